package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
)

// The OpenAPI document is written by hand, one fragment per resource (openapi/*.json, each
// holding "paths" and optionally "components.schemas"), merged into base.json at start.
// TestOpenAPIMatchesRoutes keeps it and the registered routes in step.
//
//go:embed openapi/*.json
var openapiFS embed.FS

func buildDocument() ([]byte, error) {
	var doc map[string]any
	base, err := openapiFS.ReadFile("openapi/base.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi/base.json: %w", err)
	}
	paths := map[string]any{}
	components, _ := doc["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	names, _ := fs.Glob(openapiFS, "openapi/*.json")
	sort.Strings(names)
	for _, name := range names {
		if name == "openapi/base.json" {
			continue
		}
		b, _ := openapiFS.ReadFile(name)
		var frag struct {
			Paths      map[string]map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(b, &frag); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for path, ops := range frag.Paths {
			merged, _ := paths[path].(map[string]any)
			if merged == nil {
				merged = map[string]any{}
			}
			for method, op := range ops {
				if _, dup := merged[method]; dup {
					return nil, fmt.Errorf("%s: %s %s is described twice", name, method, path)
				}
				merged[method] = op
			}
			paths[path] = merged
		}
		for k, v := range frag.Components.Schemas {
			if _, dup := schemas[k]; dup {
				return nil, fmt.Errorf("%s: schema %s is defined twice", name, k)
			}
			schemas[k] = v
		}
	}
	doc["paths"] = paths
	return json.MarshalIndent(doc, "", "  ")
}

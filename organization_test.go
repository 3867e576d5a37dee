package zhiyuan

import (
	"slices"
	"strings"
	"testing"
)

func TestValidateOrgText(t *testing.T) {
	t.Parallel()
	ok := Organization{Name: " 天河区团委 ", Type: "团委", ContactName: " 王老师 ", Description: " 简介 "}
	p := Problems{}
	ValidateOrgText(&ok, p)
	if len(p) != 0 || ok.Name != "天河区团委" || ok.ContactName != "王老师" || ok.Description != "简介" {
		t.Fatalf("valid organisation: %v %+v", p, ok)
	}
	cases := []struct {
		o     Organization
		field string
	}{
		{Organization{Name: "", Type: "团委", ContactName: "x"}, "name"},
		{Organization{Name: "团", Type: "团委", ContactName: "x"}, "name"},
		{Organization{Name: strings.Repeat("团", OrgNameMax+1), Type: "团委", ContactName: "x"}, "name"},
		{Organization{Name: "天河区团委", Type: "", ContactName: "x"}, "type"},
		{Organization{Name: "天河区团委", Type: "公司", ContactName: "x"}, "type"},
		{Organization{Name: "天河区团委", Type: "团委", ContactName: ""}, "contact_name"},
		{Organization{Name: "天河区团委", Type: "团委", ContactName: "x", Description: strings.Repeat("字", OrgDescriptionMax+1)}, "description"},
	}
	for _, c := range cases {
		p := Problems{}
		ValidateOrgText(&c.o, p)
		if p[c.field].Reason == "" || len(p) != 1 {
			t.Errorf("%+v: problems %v, want only %s", c.o, p, c.field)
		}
	}
	for _, typ := range OrgTypes {
		if !ValidOrgType(typ) {
			t.Errorf("%s not valid", typ)
		}
	}
}

func TestChildRegionAllowed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		parent, child string
		want          bool
	}{
		{"440106", "440106", true},  // same county
		{"440106", "440113", true},  // another district of the same city
		{"440106", "440305", false}, // another city
		{"440100", "440106", true},  // city parent, county child
		{"440100", "440100", true},
		{"440100", "440300", false},
		{"440000", "440305", true}, // province parent
		{"440000", "450100", false},
		{"441900", "441900", true}, // 东莞, a city without counties
		{"", "440106", false},
		{"440106", "", false},
	}
	for _, c := range cases {
		if got := ChildRegionAllowed(c.parent, c.child); got != c.want {
			t.Errorf("ChildRegionAllowed(%q, %q) = %v", c.parent, c.child, got)
		}
	}
}

func TestOrgPath(t *testing.T) {
	t.Parallel()
	root := OrgPath("", 1)
	child := OrgPath(root, 15)
	leaf := OrgPath(child, 9)
	if root != "/1/" || child != "/1/15/" || leaf != "/1/15/9/" {
		t.Fatalf("paths %q %q %q", root, child, leaf)
	}
	if got := PathAncestors(leaf); !slices.Equal(got, []int64{15, 1}) {
		t.Fatalf("ancestors of leaf %v", got)
	}
	if got := PathAncestors(root); got != nil {
		t.Fatalf("ancestors of root %v", got)
	}
	for _, bad := range []string{"", "/", "/x/2/", "/0/2/"} {
		if got := PathAncestors(bad); got != nil {
			t.Errorf("PathAncestors(%q) = %v", bad, got)
		}
	}
}

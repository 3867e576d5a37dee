package config

import (
	"flag"
	"strings"
	"testing"
)

func parse(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	var c Config
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	getenv := func(k string) string { return env[k] }
	c.Register(fs, getenv)
	c.RegisterServe(fs, getenv)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return c, c.Validate()
}

func TestDefaultsEnvAndFlags(t *testing.T) {
	c, err := parse(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./zhiyuan-data" || c.DSN() != "zhiyuan-data/zhiyuan.db" {
		t.Fatalf("defaults: %+v dsn=%s", c, c.DSN())
	}
	c, err = parse(t, map[string]string{"ZHIYUAN_DB": "postgres://u@h/db", "ZHIYUAN_ADDR": "0.0.0.0:9000"}, "--addr", "127.0.0.1:7000")
	if err != nil {
		t.Fatal(err)
	}
	if c.DSN() != "postgres://u@h/db" || c.Addr != "127.0.0.1:7000" {
		t.Fatalf("env and flag: %+v", c)
	}
}

func TestValidateNamesTheBadSetting(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--db", "mysql://x"}, "--db"},
		{[]string{"--addr", "nonsense"}, "--addr"},
		{[]string{"--log-level", "loud"}, "--log-level"},
		{[]string{"--log-format", "xml"}, "--log-format"},
	} {
		_, err := parse(t, nil, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want one naming %s", tc.args, err, tc.want)
		}
	}
}

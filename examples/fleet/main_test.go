package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/inboxkit/inboxkit/examples/internal/demo"
)

var update = flag.Bool("update", false, "rewrite testdata/fleet.golden")

// testConfig returns the local servers (or INBOXKIT_POSTGRES_URL and INBOXKIT_REDIS_URL) with
// a schema and key prefix of the test's own, removed when the test ends. The test fails, not
// skips, when the servers are down: CI starts them.
func testConfig(t *testing.T) config {
	t.Helper()
	id := strings.ToLower(rand.Text()[:10])
	cfg, err := parseConfig([]string{"-schema", "inboxkit_demo_test_" + id, "-prefix", "inboxkit:demo:test:" + id + ":"}, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, cfg.postgres)
		if err != nil {
			t.Errorf("drop schema %s: %v", cfg.schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+cfg.schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", cfg.schema, err)
		}
		opt, err := redis.ParseURL(cfg.redis)
		if err != nil {
			t.Error(err)
			return
		}
		rdb := redis.NewClient(opt)
		defer rdb.Close()
		if err := emptyPrefix(ctx, rdb, cfg.prefix); err != nil {
			t.Errorf("delete keys %s*: %v", cfg.prefix, err)
		}
	})
	return cfg
}

// stable replaces the test's own schema and prefix with the defaults, as go run prints them.
func stable(out string, cfg config) string {
	out = strings.ReplaceAll(out, cfg.schema, "inboxkit_demo")
	return strings.ReplaceAll(out, cfg.prefix, "inboxkit:demo:")
}

// The program's output is the golden file, at the first run on a fresh schema and at a second
// run on the same one: the demo empties its own tables and keys, so it can be run again.
func TestRun(t *testing.T) {
	cfg := testConfig(t)
	path := filepath.Join("testdata", "fleet.golden")
	for i := range 2 {
		var out bytes.Buffer
		if err := run(t.Context(), &out, cfg); err != nil {
			t.Fatalf("run %d = %v", i+1, err)
		}
		got := stable(out.String(), cfg)
		if *update && i == 0 {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if got != string(want) {
			t.Errorf("run %d: output differs from %s (go test -update rewrites it):\n%s", i+1, path, lineDiff(string(want), got))
		}
		if strings.Contains(got, demo.OrderToken) {
			t.Errorf("run %d: the output contains the order system's bearer token", i+1)
		}
	}
}

// What the fleet gains, asserted on its own so that a golden file rewritten carelessly cannot
// hide it.
func TestFleetGains(t *testing.T) {
	cfg := testConfig(t)
	var out bytes.Buffer
	if err := run(t.Context(), &out, cfg); err != nil {
		t.Fatalf("run = %v", err)
	}
	for _, want := range []string{
		// B serves what A fetched, without an upstream call.
		"   B Client Info     from the shared cache\n   B Customer Data   from the shared cache\nupstream calls so far: CRM 1, order system 1\n",
		// 40 concurrent loads on two servers: one call per card.
		"upstream calls so far: CRM 2, order system 2 (one call per card",
		// An edit on B is seen by A.
		"   A Customer Data   live from the upstream\nupstream calls so far: CRM 3, order system 2",
		// A duplicate delivered to the other server is acknowledged, not sent again.
		"msg_001 (the sender retries it)           200   duplicate",
		"duplicate + sent",
		"   replay: sent\n   (none)\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if n := strings.Count(out.String(), `"Can I change my delivery address?"`); n != 1 {
		t.Errorf("the message delivered to both servers is in the conversation %d times, want 1", n)
	}
}

// The demo empties its schema and key prefix, so it refuses any that are not its own, before
// it connects to anything.
func TestRunRefusesForeignSchema(t *testing.T) {
	for _, cfg := range []config{
		{postgres: "postgres://127.0.0.1:1/none", redis: "redis://127.0.0.1:1", schema: "public", prefix: "inboxkit:demo:"},
		{postgres: "postgres://127.0.0.1:1/none", redis: "redis://127.0.0.1:1", schema: "inboxkit_demo", prefix: ""},
	} {
		var out bytes.Buffer
		err := run(t.Context(), &out, cfg)
		if err == nil {
			t.Errorf("run(schema %q, prefix %q) = nil, want an error", cfg.schema, cfg.prefix)
			continue
		}
		if out.Len() != 0 {
			t.Errorf("run(schema %q) printed %q before refusing", cfg.schema, out.String())
		}
	}
}

// The flags default to the environment variables, then to the local servers; a flag wins.
func TestParseConfig(t *testing.T) {
	env := map[string]string{
		"INBOXKIT_POSTGRES_URL": "postgres://db.internal:5432/helpdesk",
		"INBOXKIT_REDIS_URL":    "redis://cache.internal:6379/2",
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want config
	}{
		{"environment", nil, env, config{
			postgres: "postgres://db.internal:5432/helpdesk", redis: "redis://cache.internal:6379/2",
			schema: "inboxkit_demo", prefix: "inboxkit:demo:",
		}},
		{"flags win", []string{"-postgres", "postgres://127.0.0.1:5433/x", "-redis", "redis://127.0.0.1:6380/1", "-schema", "inboxkit_demo_2", "-prefix", "p:"}, env, config{
			postgres: "postgres://127.0.0.1:5433/x", redis: "redis://127.0.0.1:6380/1", schema: "inboxkit_demo_2", prefix: "p:",
		}},
		{"local defaults", nil, nil, config{
			postgres: defaultPostgres(func(string) string { return "" }), redis: "redis://127.0.0.1:6379/0",
			schema: "inboxkit_demo", prefix: "inboxkit:demo:",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(tt.args, func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(config{})); diff != "" {
				t.Errorf("parseConfig (-want +got):\n%s", diff)
			}
		})
	}
	if got := defaultPostgres(func(string) string { return "" }); !strings.HasPrefix(got, "postgres://") {
		t.Errorf("local default %q is not a postgres URL", got)
	}
	if _, err := parseConfig([]string{"-schema"}, func(string) string { return "" }); err == nil {
		t.Error("parseConfig(-schema without a value) = nil error")
	}
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)) && b.Len() < 4000; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  - " + wl + "\n  + " + gl + "\n")
		}
	}
	return b.String()
}

package pgstore_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/inboxkit/inboxkit/integration/pgstore"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/integrationtest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	integrationtest.Run(t, func(t *testing.T) integration.Store {
		s, _ := newStore(t)
		return s
	})
}

// Save refuses what it could not store as given, naming the field and never the value, and
// stores nothing then.
func TestSaveRefuses(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, _ := newStore(t)
	tests := []struct {
		name      string
		edit      func(in *integration.Integration)
		wantField string
	}{
		{"NUL in a trigger's text", func(in *integration.Integration) { in.Triggers[1].Text = "VIP\x00" }, "triggers[1].text"},
		{"invalid UTF-8 in a trigger's name", func(in *integration.Integration) { in.Triggers[0].Name = "\xff" }, "triggers[0].name"},
		{"clear secret header", func(in *integration.Integration) { in.Headers[1].Value = "tok_live_123" }, "headers[1].value"},
		{"clear secret", func(in *integration.Integration) { in.Secrets[0].Value = "tok_live_123" }, "secrets[0].value"},
		{"NUL in name", func(in *integration.Integration) { in.Name = "CRM\x00" }, "name"},
		{"invalid UTF-8 in a query value", func(in *integration.Integration) { in.Query[0].Value = "\xff" }, "query[0].value"},
		{"NUL in a required variable", func(in *integration.Integration) { in.RequiredVariables[0] = "\x00" }, "required_variables[0]"},
		{"template not JSON", func(in *integration.Integration) { in.Display.Template = json.RawMessage(`{"version":`) }, "display.template"},
		{"no team", func(in *integration.Integration) { in.TeamID = "" }, "TeamID"},
		{"condition not JSON", func(in *integration.Integration) { in.Condition = json.RawMessage(`{"path":`) }, "condition"},
		{"NUL in a step's url", func(in *integration.Integration) { in.Steps[0].URL = "https://shop.example.com/\x00" }, "steps[0].url"},
		{"invalid UTF-8 in a step's header", func(in *integration.Integration) { in.Steps[0].Headers[0].Value = "\xff" }, "steps[0].headers[0].value"},
		{"NUL in an action's option", func(in *integration.Integration) { in.Actions[0].Fields[1].Options[1] = "x\x00" }, "actions[0].fields[1].options[1]"},
		{"invalid UTF-8 in an action's body", func(in *integration.Integration) { in.Actions[0].Body = "\xff" }, "actions[0].body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := integrationtest.Sample("team-1", "int-1")
			tt.edit(in)
			for _, prev := range []int64{0, 1} {
				err := s.Save(ctx, in, prev)
				if err == nil || !strings.Contains(err.Error(), tt.wantField) || strings.Contains(err.Error(), "tok_live_123") {
					t.Errorf("Save(prev %d) = %v; want an error naming %s and not the value", prev, err, tt.wantField)
				}
			}
			if _, err := s.Get(ctx, "team-1", "int-1"); !errors.Is(err, integration.ErrNotFound) {
				t.Errorf("Get after a refused Save = %v; want ErrNotFound", err)
			}
		})
	}
}

// Hostile but storable values round-trip byte for byte: SQL in ids, a display template with
// its own spacing and key order, a megabyte body, control characters and script.
func TestRoundTripExact(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, _ := newStore(t)
	in := integrationtest.Sample("team'; DROP TABLE inboxkit_integrations; --", `int"1\`)
	in.Display.Template = json.RawMessage("{ \"version\" : 1,\n\t\"sections\": [], \"z\": {\"b\": 2, \"a\": \"\\u0000\"} }")
	in.Body = `{"note":"` + strings.Repeat("é", 1<<19) + `"}`
	in.Description = "line\r\nX-Injected: 1 \u202e <script>alert(1)</script>"
	in.Timeout = 1500*time.Millisecond + 7 // nanoseconds survive
	in.Condition = json.RawMessage("{ \"op\" : \"exists\",\n\t\"path\": \"contact.email\" }")
	in.Steps[0].Body = `{"q":"<script>alert(1)</script>\r\n"}`
	in.Actions[0].Confirm = "Refund \u202e <img src=x onerror=alert(1)>?"
	in.Actions[0].Fields[0].Min, in.Actions[0].Fields[0].Max = new(-1e-9), new(1e15+0.5)
	if err := s.Save(ctx, in, 0); err != nil {
		t.Fatalf("Save: %v", err)
	}
	got, err := s.Get(ctx, in.TeamID, in.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if diff := cmp.Diff(in, got, cmpopts.EquateApproxTime(time.Microsecond)); diff != "" {
		t.Errorf("Get mismatch (-want +got):\n%s", diff)
	}
	list, err := s.List(ctx, in.TeamID)
	if err != nil || len(list) != 1 || list[0].ID != in.ID {
		t.Errorf("List = %v, %v", list, err)
	}
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := newPool(t, newSchema(t))
	var wg sync.WaitGroup
	for range 4 { // app servers starting at once
		wg.Go(func() {
			if err := pgstore.Migrate(ctx, pool); err != nil {
				t.Errorf("concurrent Migrate: %v", err)
			}
		})
	}
	wg.Wait()
	if err := pgstore.Migrate(ctx, pool); err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
	files, err := fs.Glob(pgstore.Migrations(), "*.sql")
	if err != nil || len(files) < 2 {
		t.Fatalf("Migrations() = %v, %v; want 0001_init.sql and later files", files, err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM inboxkit_schema_migrations WHERE component = 'pgstore'`).Scan(&n); err != nil || n != len(files) {
		t.Errorf("recorded migrations = %d, %v; want %d, one per file", n, err, len(files))
	}
	sql, err := fs.ReadFile(pgstore.Migrations(), files[0])
	if err != nil || !strings.Contains(string(sql), "CREATE TABLE inboxkit_integrations") {
		t.Errorf("Migrations() 0001_init.sql = %.40q, %v; want the integrations table", sql, err)
	}
	if _, err := pgstore.New(nil); err == nil {
		t.Error("New(nil) = nil error; want one")
	}
}

// A database at schema version 1 (before run conditions and steps), with an integration in
// it, migrates in place: the old row reads as an integration without a condition or steps,
// and a new one with both saves and reads back.
func TestMigrateFromVersion1(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := newPool(t, newSchema(t))
	v1, err := fs.ReadFile(pgstore.Migrations(), "0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	// What a version-1 Migrate left behind, recorded as a host applying the files itself would.
	for _, sql := range []string{string(v1), `CREATE TABLE inboxkit_schema_migrations (
		component text NOT NULL, version integer NOT NULL, name text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, version))`,
		`INSERT INTO inboxkit_schema_migrations (component, version, name) VALUES ('pgstore', 1, '0001_init.sql')`,
		`INSERT INTO inboxkit_integrations VALUES ('int-old', 'team-1', 3, 'Old', '', 'GET', 'https://crm.example.com',
			'[]', '[]', '', 5, true, false, NULL, '{}', '[]', 0, '2024-01-15 09:30:00Z', '2024-01-15 09:30:00Z')`,
	} {
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatalf("set up version 1: %v", err)
		}
	}
	if err := pgstore.Migrate(ctx, pool); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	s, err := pgstore.New(pool)
	if err != nil {
		t.Fatal(err)
	}
	old, err := s.Get(ctx, "team-1", "int-old")
	if err != nil {
		t.Fatalf("Get the version-1 row: %v", err)
	}
	if old.Condition != nil || old.StepName != "" || old.Steps != nil || old.Actions != nil || old.Version != 3 || old.URL != "https://crm.example.com" {
		t.Errorf("version-1 row = condition %q, step name %q, steps %v, version %d, url %q; want none, \"\", none, 3, the url",
			old.Condition, old.StepName, old.Steps, old.Version, old.URL)
	}

	if old.Triggers != nil {
		t.Errorf("version-1 row has triggers %v; want none", old.Triggers)
	}
	in := integrationtest.Sample("team-1", "int-new")
	if err := s.Save(ctx, in, 0); err != nil {
		t.Fatalf("Save: %v", err)
	}
	got, err := s.Get(ctx, "team-1", "int-new")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if diff := cmp.Diff(in, got, cmpopts.EquateApproxTime(time.Microsecond)); diff != "" {
		t.Errorf("Get after migrating (-want +got):\n%s", diff)
	}
}

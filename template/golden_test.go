package template_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/template"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenNow is the clock of every golden render.
var goldenNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// checkGolden compares got with the golden file, or rewrites it with -update.
func checkGolden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./template/... -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", file, diff)
	}
}

func mustRead(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func encodeOutput(t *testing.T, out *template.Output) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGoldenCases renders every testdata/cases/<name>/{template,data}.json
// and compares the node tree with tree.golden.json.
func TestGoldenCases(t *testing.T) {
	dirs, err := filepath.Glob("testdata/cases/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			tp, err := template.Parse(mustRead(t, filepath.Join(dir, "template.json")))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			out, err := tp.Render(mustRead(t, filepath.Join(dir, "data.json")), &template.RenderOptions{Now: goldenNow})
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			checkGolden(t, filepath.Join(dir, "tree.golden.json"), encodeOutput(t, out))
		})
	}
}

package template_test

import (
	"bytes"
	"encoding/json"
	"errors"
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

// TestPresets renders every preset's sample: no diagnostics, tree golden.
func TestPresets(t *testing.T) {
	presets := template.Presets()
	if len(presets) < 4 {
		t.Fatalf("%d presets, want at least 4", len(presets))
	}
	for _, p := range presets {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			if p.Title == "" || p.Description == "" {
				t.Errorf("preset %q lacks a title or description", p.Name)
			}
			tp, err := template.Parse(p.Template)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			out, err := tp.Render(p.Sample, &template.RenderOptions{Now: goldenNow})
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if len(out.Diagnostics) > 0 {
				t.Errorf("sample renders with diagnostics: %+v", out.Diagnostics)
			}
			checkGolden(t, filepath.Join("testdata/presets", p.Name+".tree.golden.json"), encodeOutput(t, out))
		})
	}
}

// TestSuggest suggests a template for every sample in testdata and the
// presets; each must parse and render its sample. The suggestion for
// each golden case's data is pinned.
func TestSuggest(t *testing.T) {
	samples := map[string][]byte{}
	for _, p := range template.Presets() {
		samples["preset_"+p.Name] = p.Sample
	}
	dirs, _ := filepath.Glob("testdata/cases/*")
	for _, dir := range dirs {
		samples[filepath.Base(dir)] = mustRead(t, filepath.Join(dir, "data.json"))
	}
	for name, sample := range samples {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			def, err := template.Suggest(sample)
			if err != nil {
				t.Fatalf("Suggest: %v", err)
			}
			tp, err := template.Parse(def)
			if err != nil {
				t.Fatalf("Parse(suggestion): %v\n%s", err, def)
			}
			out, err := tp.Render(sample, &template.RenderOptions{Now: goldenNow})
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if len(out.Nodes) == 0 {
				t.Errorf("suggestion renders nothing:\n%s", def)
			}
			for _, d := range out.Diagnostics {
				if d.Code != "missing_value" && d.Code != "unsafe_url" {
					t.Errorf("suggestion renders with diagnostic %+v", d)
				}
			}
			checkGolden(t, filepath.Join("testdata/suggest", name+".golden.json"), def)
		})
	}
}

func TestSuggestShapes(t *testing.T) {
	for _, sample := range []string{`[]`, `{}`, `42`, `"x"`, `null`, `[1,2,3]`, `["a","b"]`, `[[1]]`, `[{"id":1}]`, `{"a":{"b":{"c":{"d":1}}}}`, `{"weird key":1,"{{x}}":2,"ok":3}`} {
		def, err := template.Suggest([]byte(sample))
		if err != nil {
			t.Errorf("Suggest(%s): %v", sample, err)
			continue
		}
		tp, err := template.Parse(def)
		if err != nil {
			t.Errorf("Parse(Suggest(%s)): %v", sample, err)
			continue
		}
		if _, err := tp.Render([]byte(sample), nil); err != nil {
			t.Errorf("Render(%s): %v", sample, err)
		}
	}
	if _, err := template.Suggest([]byte(`{`)); !errors.Is(err, template.ErrInvalidJSON) {
		t.Errorf("Suggest(invalid) error = %v", err)
	}
}

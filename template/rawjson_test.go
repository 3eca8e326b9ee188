package template_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/template"
)

// An encoded Output decodes back to itself, Raw values of every JSON type included, so a Go
// host reading cards from the HTTP API or a cache of its own gets what was rendered.
func TestOutputJSONRoundTrip(t *testing.T) {
	tp, err := template.Parse([]byte(`{"version": 1, "sections": [{"type": "keyvalue", "items": [
		{"label": "N", "value": "{{n}}", "format": "number"},
		{"label": "Flag", "value": "{{flag}}", "format": "boolean"},
		{"label": "Obj", "value": "{{obj}}"},
		{"label": "Text", "value": "{{s}}"},
		{"label": "Null", "value": "{{none}}"},
		{"label": "Missing", "value": "{{missing}}"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	out, err := tp.Render([]byte(`{"n": 12345.678, "flag": true, "obj": {"a": [1, "x"]}, "s": "<b>\u2028", "none": null}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var back template.Output
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	// The same JSON values: encoding/json compacts what MarshalJSON returns and escapes < > &.
	sameJSON := cmp.Transformer("json", func(r template.RawJSON) any {
		var v any
		if err := json.Unmarshal([]byte(r), &v); err != nil {
			return string(r)
		}
		return v
	})
	if diff := cmp.Diff(out, &back, sameJSON); diff != "" {
		t.Errorf("round trip (-rendered +decoded):\n%s", diff)
	}
}

// The golden outputs in testdata decode and encode to the same JSON.
func TestGoldenOutputsDecode(t *testing.T) {
	files, _ := os.ReadDir("testdata/cases")
	n := 0
	for _, f := range files {
		b, err := os.ReadFile("testdata/cases/" + f.Name() + "/tree.golden.json")
		if err != nil {
			continue
		}
		n++
		var out template.Output
		if err := json.Unmarshal(b, &out); err != nil {
			t.Errorf("%s: %v", f.Name(), err)
			continue
		}
		again, err := json.Marshal(&out)
		if err != nil {
			t.Fatal(err)
		}
		var x, y any
		json.Unmarshal(b, &x)
		json.Unmarshal(again, &y)
		if diff := cmp.Diff(x, y); diff != "" {
			t.Errorf("%s: decode and encode changed it (-golden +again):\n%s", f.Name(), diff)
		}
	}
	if n == 0 {
		t.Fatal("no golden outputs in testdata/cases")
	}
}

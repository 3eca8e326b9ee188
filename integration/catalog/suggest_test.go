package catalog_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/integration/catalog"
	"github.com/inboxkit/inboxkit/template"
)

var bindingName = regexp.MustCompile(`\{\{\s*([^\s|}]+)`)

// shownFields returns the data fields a template definition shows: the bindings in the values
// of key-value items, table columns and badges, as paths from the root of the response with
// array indexes written as '#' ("data.#.balance").
func shownFields(t *testing.T, def []byte) map[string]bool {
	t.Helper()
	var doc any
	if err := json.Unmarshal(def, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	norm := func(p string) string {
		segs := strings.Split(p, ".")
		for i, s := range segs {
			if s != "" && strings.Trim(s, "0123456789") == "" {
				segs[i] = "#"
			}
		}
		return strings.Join(segs, ".")
	}
	join := func(scope, p string) string {
		switch {
		case p == "$this" || p == "$root" && scope == "":
			return scope
		case strings.HasPrefix(p, "$root."):
			return norm(strings.TrimPrefix(p, "$root."))
		case strings.HasPrefix(p, "$this."):
			p = strings.TrimPrefix(p, "$this.")
		}
		if scope == "" {
			return norm(p)
		}
		return scope + "." + norm(p)
	}
	addValue := func(scope string, v any) {
		s, _ := v.(string)
		for _, m := range bindingName.FindAllStringSubmatch(s, -1) {
			if !strings.HasPrefix(m[1], `"`) && m[1] != "$index" && m[1] != "$number" {
				out[join(scope, m[1])] = true
			}
		}
	}
	var walk func(sec map[string]any, scope string)
	walk = func(sec map[string]any, scope string) {
		inner := scope
		if p, ok := sec["path"].(string); ok && (sec["type"] == "table" || sec["type"] == "repeat") {
			inner = join(scope, p)
			if p != "$root" && p != "$this" {
				inner += ".#"
			} else if p == "$root" {
				inner = "#"
			}
		}
		switch sec["type"] {
		case "keyvalue":
			for _, it := range sec["items"].([]any) {
				addValue(scope, it.(map[string]any)["value"])
			}
		case "table":
			for _, c := range sec["columns"].([]any) {
				addValue(inner, c.(map[string]any)["value"])
			}
		case "badge":
			addValue(scope, sec["value"])
		}
		if item, ok := sec["item"].(map[string]any); ok {
			walk(item, inner)
		}
		if subs, ok := sec["sections"].([]any); ok {
			for _, s := range subs {
				walk(s.(map[string]any), inner)
			}
		}
	}
	for _, s := range doc.(map[string]any)["sections"].([]any) {
		walk(s.(map[string]any), "")
	}
	return out
}

// TestSuggestCoverage suggests a template for every catalog sample and counts how many of the
// fields the entry's hand-made template shows the suggestion shows too. The figure is quoted in
// the package notes; the test fails if it drops.
func TestSuggestCoverage(t *testing.T) {
	entries, err := catalog.List()
	if err != nil {
		t.Fatal(err)
	}
	var shown, total int
	var report strings.Builder
	for _, e := range entries {
		in, err := catalog.Install(e.ID, sampleValues(e))
		if err != nil {
			t.Fatal(err)
		}
		def, err := template.Suggest(e.Sample.Response)
		if err != nil {
			t.Fatalf("%s: Suggest: %v", e.ID, err)
		}
		_, out := renderText(t, def, e.Sample.Response)
		for _, d := range out.Diagnostics {
			if d.Code != "missing_value" {
				t.Errorf("%s: the suggestion renders the sample with diagnostic %+v", e.ID, d)
			}
		}
		hand, sug := shownFields(t, in.Display.Template), shownFields(t, def)
		var missing []string
		n := 0
		for f := range hand {
			if sug[f] {
				n++
			} else {
				missing = append(missing, f)
			}
		}
		slices.Sort(missing)
		shown, total = shown+n, total+len(hand)
		fmt.Fprintf(&report, "%-22s %2d of %2d  missing %v\n", e.ID, n, len(hand), missing)
	}
	pct := 100 * shown / total
	t.Logf("suggestions show %d of the %d hand-picked fields (%d%%):\n%s", shown, total, pct, report.String())
	if pct < minSuggestCoverage {
		t.Errorf("suggestions show %d%% of the hand-picked fields, want at least %d%%", pct, minSuggestCoverage)
	}
}

// minSuggestCoverage is the share of hand-picked fields the suggestions must keep showing.
const minSuggestCoverage = 85

package webcard

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The module's header comment is the element's reference (doc.go says so): every part the
// code sets, every property a host assigns and every event it dispatches is named there.
func TestHeaderDocumentsTheElement(t *testing.T) {
	b, err := fsReadFile(ScriptName)
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	var header strings.Builder
	for line := range strings.Lines(src) {
		if !strings.HasPrefix(line, "//") {
			break
		}
		header.WriteString(line)
	}
	doc := header.String()
	code := stripComments(src)

	var parts []string
	quoted := regexp.MustCompile(`"([a-z- ]+)"`)
	for _, m := range regexp.MustCompile(`\.part(?: = [^;]*|\.add\([^)]*\))`).FindAllString(code, -1) {
		for _, q := range quoted.FindAllStringSubmatch(m, -1) {
			parts = append(parts, strings.Fields(q[1])...)
		}
	}
	slices.Sort(parts)
	parts = slices.Compact(parts)
	for _, want := range []string{"actions", "action", "action-form", "action-confirm", "action-result", "action-ok", "action-failed", "body", "header"} {
		if !slices.Contains(parts, want) {
			t.Errorf("the code sets no part %q (found %v)", want, parts)
		}
	}
	for _, p := range parts {
		if !regexp.MustCompile(`\b` + regexp.QuoteMeta(p) + `\b`).MatchString(doc[strings.Index(doc, "Parts:"):]) {
			t.Errorf("part %q is not in the header's list of parts", p)
		}
	}
	for _, m := range regexp.MustCompile(`new CustomEvent\("([a-z-]+)"`).FindAllStringSubmatch(code, -1) {
		if !strings.Contains(doc, m[1]) {
			t.Errorf("event %q is not documented in the header", m[1])
		}
	}
	for _, m := range regexp.MustCompile(`(?m)^  set ([a-zA-Z]+)\(`).FindAllStringSubmatch(code, -1) {
		if !regexp.MustCompile(`(?m)^//   ` + m[1] + `\b`).MatchString(doc) {
			t.Errorf("property %q is not documented in the header", m[1])
		}
	}
}

package variables_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/variables"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden expands every target with every hostile value and compares the result with
// testdata/expand.golden, so that any change of escaping shows up as a reviewable diff.
// go test ./variables -run TestGolden -update rewrites the file.
func TestGolden(t *testing.T) {
	templates := []struct {
		target variables.Target
		src    string
	}{
		{variables.Text, "text: {{v}}"},
		{variables.URL, "https://x.test/p/{{v}}?q={{v}}#{{v}}"},
		{variables.Query, "{{v}}"},
		{variables.Header, "h {{v}}"},
		{variables.JSON, `{"s":"{{v}}","v":{{v}}}`},
	}
	names := []string{"q", "bs", "ls", "bad", "nul", "crlf", "tab", "dotdot", "dots", "reserved", "empty", "num", "ctl", "contact.name", "contact.id"}
	var b strings.Builder
	for _, tc := range templates {
		tpl, err := variables.Compile(tc.src, tc.target, nil)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== %s %s\n", tc.target, tc.src)
		for _, n := range names {
			out, err := tpl.Expand(variables.Map{"v": values[n]})
			if err != nil {
				fmt.Fprintf(&b, "%-12s %q -> error: %v\n", n, values[n], err)
				continue
			}
			fmt.Fprintf(&b, "%-12s %q -> %q\n", n, values[n], out)
		}
	}
	path := filepath.Join("testdata", "expand.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/examples/internal/demo"
)

var update = flag.Bool("update", false, "rewrite testdata/profilesheet.golden")

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run = %v", err)
	}
	path := filepath.Join("testdata", "profilesheet.golden")
	if *update {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got := out.String(); got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, lineDiff(string(want), got))
	}
	if strings.Contains(out.String(), demo.OrderToken) {
		t.Error("the output contains the order system's bearer token")
	}
}

// The sheet reads like a product: each card is one box titled once with its name, every box of
// the sheet has the same width, and a failure is a sentence, not a machine category.
func TestSheetReadsLikeAProduct(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run = %v", err)
	}
	sheet, _, _ := strings.Cut(out.String(), "upstream calls so far")
	width := -1
	for _, l := range strings.Split(sheet, "\n") {
		if !strings.ContainsAny(l[:min(len(l), 3)], "┌│└") {
			continue
		}
		if n := utf8.RuneCountInString(l); width == -1 {
			width = n
		} else if n != width {
			t.Errorf("box line %q is %d wide, the sheet's boxes %d", l, n, width)
		}
	}
	for _, name := range []string{"Customer Data", "Client Info", "Loyalty Points", "Order History"} {
		if n := strings.Count(sheet, name); n != 1 {
			t.Errorf("the sheet names %q %d times, want once (the card's title)", name, n)
		}
	}
	if strings.Contains(out.String(), "[upstream_") || strings.Contains(out.String(), "_5xx") {
		t.Errorf("the output shows a machine category:\n%s", out.String())
	}
}

// The action is refused until it is confirmed, then sent exactly once, with the note as one
// JSON string.
func TestActionSentOnce(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run = %v", err)
	}
	if n := strings.Count(out.String(), "the CRM received:"); n != 1 {
		t.Errorf("the CRM received %d notes, want 1:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), `"note": "Called back about order A-1003: \"ships Friday\"."`) {
		t.Errorf("the note was not sent as one escaped JSON string:\n%s", out.String())
	}
}

// lineDiff lists the lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want " + wl + "\n  got  " + gl + "\n")
		}
	}
	return b.String()
}

package variables_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/variables"
)

// stackOutBytes is the size of the stack buffer an expansion is escaped into (expand.go).
const stackOutBytes = 512

// bufferCases are templates and values whose expansions fall on either side of stackOutBytes,
// by their length or only by their bound (a value that escaping could grow, but does not).
func bufferCases() []struct {
	name, src string
	target    variables.Target
	v         string
} {
	near := strings.Repeat("a", stackOutBytes/6) // bound near the stack buffer, expansion small
	return []struct {
		name, src string
		target    variables.Target
		v         string
	}{
		{"small", `{"a":"{{v}}"}`, variables.JSON, "zoë"},
		{"empty", "{{v}}{{v}}", variables.Text, ""},
		{"bound over the stack, result under", `{"a":"{{v}}","b":"{{v}}"}`, variables.JSON, near},
		{"result over the stack", "https://x.test/{{v}}?q={{v}}", variables.URL, strings.Repeat("a b/", stackOutBytes/4)},
		{"escaping at the stack's end", `{"a":"{{v}}"}`, variables.JSON, strings.Repeat("\x01", stackOutBytes/6-2)},
		{"escaping past the stack's end", `{"a":"{{v}}"}`, variables.JSON, strings.Repeat("\x01", stackOutBytes/6)},
		{"bare header", "{{v}}", variables.Header, "zoe+test@example.com"},
		{"bare text with a filter", "{{v | upper}}", variables.Text, "zoë"},
	}
}

// TestExpandBuffers checks that Expand and AppendExpand agree whatever buffer the expansion is
// written into: the stack, the caller's buffer with or without room, or an exact allocation.
func TestExpandBuffers(t *testing.T) {
	t.Parallel()
	for _, c := range bufferCases() {
		t.Run(c.name, func(t *testing.T) {
			tpl, err := variables.Compile(c.src, c.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := tpl.Expand(variables.Map{"v": c.v})
			if err != nil {
				t.Fatal(err)
			}
			for _, room := range []int{0, 1, len(want) - 1, len(want), len(want) + 1, 6*len(c.v) + len(c.src) + 8} {
				dst := append(make([]byte, 0, len("prefix:")+max(room, 0)), "prefix:"...)
				got, err := tpl.AppendExpand(dst, variables.Map{"v": c.v})
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != "prefix:"+want {
					t.Errorf("AppendExpand with room %d = %q, want %q", room, got, "prefix:"+want)
				}
			}
			if got, err := tpl.AppendExpand(nil, variables.Map{"v": c.v}); err != nil || string(got) != want {
				t.Errorf("AppendExpand(nil) = %q, %v, want %q", got, err, want)
			}
		})
	}
}

// TestExpandBufferAllocs checks that an expansion allocates its result once whichever buffer
// it is escaped in, and that a bare placeholder's expansion is the value itself.
func TestExpandBufferAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes escape analysis; allocations are counted without it")
	}
	for _, c := range bufferCases() {
		tpl, err := variables.Compile(c.src, c.target, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := variables.Map{"v": c.v}
		bare := strings.HasPrefix(c.name, "bare")
		want := 1.0
		if c.v == "" || c.name == "bare header" {
			want = 0 // nothing to allocate, or the value itself
		}
		if n := testing.AllocsPerRun(20, func() { tpl.Expand(r) }); n != want {
			t.Errorf("%s: Expand allocates %v times, want %v", c.name, n, want)
		}
		if bare {
			continue
		}
		if n := testing.AllocsPerRun(20, func() { tpl.AppendExpand(nil, r) }); n != want {
			t.Errorf("%s: AppendExpand(nil) allocates %v times, want %v", c.name, n, want)
		}
		exact, _ := tpl.AppendExpand(nil, r)
		buf := make([]byte, 0, len(exact))
		if n := testing.AllocsPerRun(20, func() { tpl.AppendExpand(buf, r) }); n != 0 {
			t.Errorf("%s: AppendExpand into a buffer of the result's size allocates %v times, want 0", c.name, n)
		}
	}
}

// TestExpandBareIsValue checks that the expansion of a bare placeholder is the value, checked as
// any other: a header value with a line break is refused, and Strict still applies.
func TestExpandBareIsValue(t *testing.T) {
	t.Parallel()
	h, err := variables.Compile("{{ v }}", variables.Header, &variables.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := h.Expand(variables.Map{"v": "a\tb"}); err != nil || got != "a\tb" {
		t.Errorf("Expand = %q, %v, want %q", got, err, "a\tb")
	}
	for _, v := range []string{"a\r\nX-Evil: 1", "a\x00", "\n"} {
		_, err := h.Expand(variables.Map{"v": v})
		if ve, ok := errors.AsType[*variables.ValueError](err); !ok || ve.Name != "v" || !errors.Is(err, variables.ErrInvalidHeaderValue) || strings.Contains(err.Error(), v) {
			t.Errorf("Expand(%q) error = %v, want ErrInvalidHeaderValue naming v only", v, err)
		}
	}
	if _, err := h.Expand(variables.Map{}); !errors.Is(err, variables.ErrUndefined) {
		t.Error("Expand of a missing strict value: no error")
	}
	q, err := variables.Compile("{{v}}", variables.Query, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := q.Expand(variables.Map{"v": "a b"}); got != "a+b" {
		t.Errorf("query Expand = %q, want %q", got, "a+b")
	}
}

// FuzzExpandBuffers checks Expand against AppendExpand into buffers of every kind of room, with
// values of any length and content, for each target.
func FuzzExpandBuffers(f *testing.F) {
	for _, c := range bufferCases() {
		f.Add(c.v, uint16(len(c.v)))
	}
	f.Add("\u2028\xff\"\\", uint16(3))
	f.Fuzz(func(t *testing.T, v string, room uint16) {
		for _, c := range []struct {
			src    string
			target variables.Target
		}{
			{"https://x.test/a/{{v}}x?q={{v}}#{{v}}", variables.URL},
			{`{"a":"{{v}}","b":{{v}}}`, variables.JSON},
			{"<{{v}}>", variables.Text},
			{"{{v}}", variables.Query},
			{"{{v}}", variables.Header},
		} {
			tpl, err := variables.Compile(c.src, c.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := tpl.Expand(variables.Map{"v": v})
			dst := append(make([]byte, 0, 3+int(room)), "pre"...)
			got, err2 := tpl.AppendExpand(dst, variables.Map{"v": v})
			if (err == nil) != (err2 == nil) {
				t.Fatalf("%s: Expand error %v, AppendExpand error %v", c.src, err, err2)
			}
			if err != nil {
				if !bytes.Equal(got, dst) {
					t.Errorf("%s: AppendExpand changed dst on error", c.src)
				}
				continue
			}
			if string(got) != "pre"+want {
				t.Errorf("%s with room %d: AppendExpand = %q, Expand = %q", c.src, room, got, want)
			}
			if c.target == variables.JSON && !utf8.ValidString(want) {
				t.Errorf("%s: invalid UTF-8 in %q", c.src, want)
			}
		}
	})
}

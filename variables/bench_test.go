package variables_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/variables"
)

// The PERFORMANCE.md interpolation workload: 5 variables, 7 placeholders.
const (
	benchURL    = "https://api.example.com/v1/teams/{{team.id}}/contacts/{{contact.id}}?email={{contact.email}}"
	benchHeader = "{{contact.email}}"
	benchBody   = `{"name":"{{contact.name}}","email":"{{contact.email}}","phone":"{{contact.phone_number}}"}`
)

var benchValues = variables.Map{
	"team.id":              "t_42",
	"contact.id":           "c/1001 x",
	"contact.email":        "zoe+test@example.com",
	"contact.name":         "Zoë \"Z\" O'Brien\n",
	"contact.phone_number": "+1 (555) 010-9999",
}

func mustCompile(b *testing.B, src string, target variables.Target) *variables.Template {
	b.Helper()
	t, err := variables.Compile(src, target, nil)
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// BenchmarkWorkload is P1/P2: one op expands the URL, the header and the JSON body.
func BenchmarkWorkload(b *testing.B) {
	u := mustCompile(b, benchURL, variables.URL)
	h := mustCompile(b, benchHeader, variables.Header)
	j := mustCompile(b, benchBody, variables.JSON)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := u.Expand(benchValues); err != nil {
			b.Fatal(err)
		}
		if _, err := h.Expand(benchValues); err != nil {
			b.Fatal(err)
		}
		if _, err := j.Expand(benchValues); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWorkloadAppend is the workload into reused buffers: no allocations.
func BenchmarkWorkloadAppend(b *testing.B) {
	u := mustCompile(b, benchURL, variables.URL)
	h := mustCompile(b, benchHeader, variables.Header)
	j := mustCompile(b, benchBody, variables.JSON)
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		buf, err = u.AppendExpand(buf[:0], benchValues)
		if err != nil {
			b.Fatal(err)
		}
		buf, err = h.AppendExpand(buf[:0], benchValues)
		if err != nil {
			b.Fatal(err)
		}
		buf, err = j.AppendExpand(buf[:0], benchValues)
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpand(b *testing.B) {
	for _, bc := range []struct {
		name   string
		src    string
		target variables.Target
	}{
		{"url", benchURL, variables.URL},
		{"query", "{{contact.email}}", variables.Query},
		{"header", "Bearer {{contact.email}}", variables.Header},
		{"json", benchBody, variables.JSON},
		{"text", "Hi {{contact.name}}, your id is {{contact.id}}.", variables.Text},
		{"filters", `{{contact.email | trim | lower | sha256}}`, variables.Text},
	} {
		b.Run(bc.name, func(b *testing.B) {
			t := mustCompile(b, bc.src, bc.target)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := t.Expand(benchValues); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := variables.Compile(benchBody, variables.JSON, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWorkloadAllocs holds PERFORMANCE.md P1/P2 as a test: expanding the workload's URL, header
// and JSON body allocates once per result that is not a value as it is (2: the header template is
// a bare placeholder, whose expansion is the value itself), and nothing into reused buffers.
func TestWorkloadAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes escape analysis; allocations are counted without it")
	}
	compile := func(src string, target variables.Target) *variables.Template {
		tmpl, err := variables.Compile(src, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		return tmpl
	}
	u, h, j := compile(benchURL, variables.URL), compile(benchHeader, variables.Header), compile(benchBody, variables.JSON)
	expand := func() {
		for _, tmpl := range []*variables.Template{u, h, j} {
			if _, err := tmpl.Expand(benchValues); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := testing.AllocsPerRun(100, expand); n != 2 {
		t.Errorf("expanding the workload allocates %v times, want 2", n)
	}
	buf := make([]byte, 0, 512)
	appendExpand := func() {
		for _, tmpl := range []*variables.Template{u, h, j} {
			var err error
			if buf, err = tmpl.AppendExpand(buf[:0], benchValues); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := testing.AllocsPerRun(100, appendExpand); n != 0 {
		t.Errorf("expanding the workload into a reused buffer allocates %v times, want 0", n)
	}
	appendKey := func() {
		buf = buf[:0]
		for _, tmpl := range []*variables.Template{u, h, j} {
			var err error
			if buf, err = tmpl.AppendKey(buf, benchValues); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := testing.AllocsPerRun(100, appendKey); n != 0 {
		t.Errorf("keying the workload into a reused buffer allocates %v times, want 0", n)
	}
}

// BenchmarkWorkloadKey keys the workload's URL, header and JSON body (AppendKey) into a reused
// buffer: what a cache hit pays instead of BenchmarkWorkload when it keys a request by its values.
func BenchmarkWorkloadKey(b *testing.B) {
	u, h, j := mustCompile(b, benchURL, variables.URL), mustCompile(b, benchHeader, variables.Header), mustCompile(b, benchBody, variables.JSON)
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for _, tmpl := range []*variables.Template{u, h, j} {
			var err error
			if buf, err = tmpl.AppendKey(buf, benchValues); err != nil {
				b.Fatal(err)
			}
		}
	}
}

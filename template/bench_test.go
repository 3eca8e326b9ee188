package template_test

import (
	"os"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/template"
)

// BenchmarkRenderFixture is P3 (PERFORMANCE.md): the 200-row fixture to a
// node tree, safety checks included (validation with the depth check,
// text sanitizing, URL allow-list, limits, work budget). Its peers, an
// encoding/json -> map[string]any walk and a hand-written gjson one-pass
// render with the same checks and formatting, live outside the module
// (a scratch module with a replace directive), so that they stay out of
// go.mod. Measured 2026-12-02 on the shared 2-vCPU machine, peers
// interleaved: Render runs 3.0x fewer instructions than the map walk and
// 0.75x the gjson render's (valgrind, GC off: 2.16M, 6.39M and 2.88M per
// render; 3.1x and 0.80x with the GC); process CPU time per render,
// medians of 15 rounds: 3.3-3.8x faster than the map walk, 0.64-0.75x
// the gjson render's time; wall clock (6-8 rounds of -benchtime 300ms,
// medians, under load): 3.4-4.2x and 0.67-0.72x. 11 allocs/op against
// the map walk's 6,661.
func BenchmarkRenderFixture(b *testing.B) {
	def, err := os.ReadFile("testdata/cases/perf_fixture_200/template.json")
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile("testdata/cases/perf_fixture_200/data.json")
	if err != nil {
		b.Fatal(err)
	}
	tp, err := template.Parse(def)
	if err != nil {
		b.Fatal(err)
	}
	opts := &template.RenderOptions{Now: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		out, err := tp.Render(data, opts)
		if err != nil || len(out.Nodes) != 2 || len(out.Nodes[1].Rows) != 200 {
			b.Fatalf("Render = %v, %v", out, err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	def, err := os.ReadFile("testdata/cases/perf_fixture_200/template.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := template.Parse(def); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRenderAllocs keeps BenchmarkRenderFixture's allocation count (P3;
// the arena in text.go is what keeps it low) from growing unnoticed.
func TestRenderAllocs(t *testing.T) {
	def, err := os.ReadFile("testdata/cases/perf_fixture_200/template.json")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/cases/perf_fixture_200/data.json")
	if err != nil {
		t.Fatal(err)
	}
	tp, err := template.Parse(def)
	if err != nil {
		t.Fatal(err)
	}
	opts := &template.RenderOptions{Now: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := tp.Render(data, opts); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 11 {
		t.Errorf("Render of the 200-row fixture: %.0f allocs, want at most 11", allocs)
	}
}

// BenchmarkOutputClone is the copy a cache of rendered outputs hands each reader (the
// design_customer case: a card with key-values, a table and badges).
func BenchmarkOutputClone(b *testing.B) {
	def, err := os.ReadFile("testdata/cases/design_customer/template.json")
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile("testdata/cases/design_customer/data.json")
	if err != nil {
		b.Fatal(err)
	}
	tp, err := template.Parse(def)
	if err != nil {
		b.Fatal(err)
	}
	out, err := tp.Render(data, &template.RenderOptions{Now: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if c := out.Clone(); len(c.Nodes) != len(out.Nodes) {
			b.Fatal("lost nodes")
		}
	}
}

// BenchmarkRenderPresets renders each preset with its sample data: the
// small responses of a profile sheet (PERFORMANCE.md's P11 renders five
// such cards per profile load).
func BenchmarkRenderPresets(b *testing.B) {
	opts := &template.RenderOptions{Now: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}
	for _, p := range template.Presets() {
		tp, err := template.Parse(p.Template)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(p.Name, func(b *testing.B) {
			b.SetBytes(int64(len(p.Sample)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tp.Render(p.Sample, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package template_test

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"

	"github.com/inboxkit/inboxkit/template"
)

// concurrentData are two responses that differ in every value the
// fuzz templates read, so that a string shared between renders (the
// render arena's chunks) would show up as a mismatch.
var concurrentData = [2]string{
	`{"s":"12345.678","cur":"eur","id":"\u202ealpha\u0007","rows":[{"a":1,"b":{"c":"x1"},"url":"https://a.example/1"},{"a":"2.5","b":{"c":"y1"},"url":"mailto:a@example.com"}],
	  "customer":{"name":"Ada","email":"ada@example.com","phone":"+1 555 0100","tier":"Gold","ltv":2850,"since":"2021-03-04"},"orders":[{"id":"o1","total":"9.99","status":"paid","created_at":1700000000}]}`,
	`{"s":"2024-01-15T10:00:00Z","cur":"jpy","id":"beta","rows":[{"a":-7e3,"b":{"c":"zz2 longer text here"},"url":"https://b.example/2?q=1"},{"a":0,"b":{"c":"w2"},"url":"tel:+15550199"}],
	  "customer":{"name":"Zoë O'Brien","email":"zoe@example.org","phone":"(555) 010-9999","tier":"Silver","ltv":"12345678901234567.89","since":1600000000000},"orders":[{"id":"o2","total":1e3,"status":"refunded","created_at":"2023-12-01"}]}`,
}

// encodeJSON encodes out. It reports an error with t.Error, not t.Fatal,
// because the render goroutines call it too.
func encodeJSON(t testing.TB, out *template.Output) []byte {
	t.Helper()
	b, err := json.Marshal(out)
	if err != nil {
		t.Error(err)
	}
	return b
}

// TestRenderConcurrent renders two different responses with the same
// templates from many goroutines and checks every output against the
// sequential result, both right after rendering and after all other
// renders finished (strings built in a render's arena must never be
// overwritten by a later or concurrent render). Run it with -race.
func TestRenderConcurrent(t *testing.T) {
	tps := fuzzTemplates(t)
	opts := &template.RenderOptions{Now: goldenNow}
	want := make([][2][]byte, len(tps))
	differ := 0
	for i, tp := range tps {
		for j, d := range concurrentData {
			out, err := tp.Render([]byte(d), opts)
			if err != nil {
				t.Fatal(err)
			}
			want[i][j] = encodeJSON(t, out)
		}
		if !bytes.Equal(want[i][0], want[i][1]) {
			differ++
		}
	}
	if differ < 2 {
		t.Fatalf("only %d templates render the two responses differently", differ)
	}
	const workers, rounds = 8, 10
	type kept struct {
		tp, data int
		out      *template.Output
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		keep []kept
	)
	for w := range workers {
		wg.Go(func() {
			for n := range rounds {
				for i, tp := range tps {
					j := (w + n + i) % 2
					out, err := tp.Render([]byte(concurrentData[j]), opts)
					if err != nil {
						t.Error(err)
						return
					}
					if got := encodeJSON(t, out); !bytes.Equal(got, want[i][j]) {
						t.Errorf("template %d, data %d: concurrent render differs:\n got %s\nwant %s", i, j, got, want[i][j])
						return
					}
					if n%5 == 0 {
						mu.Lock()
						keep = append(keep, kept{i, j, out})
						mu.Unlock()
					}
				}
			}
		})
	}
	wg.Wait()
	for _, k := range keep {
		if got := encodeJSON(t, k.out); !bytes.Equal(got, want[k.tp][k.data]) {
			t.Errorf("template %d, data %d: output changed after later renders:\n got %s\nwant %s", k.tp, k.data, got, want[k.tp][k.data])
		}
	}
}

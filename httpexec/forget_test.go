package httpexec_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// setOnlyCache is a Cache without Delete.
type setOnlyCache struct{ *httpexec.MemoryCache }

func (c setOnlyCache) Delete() {} // not the Deleter method: hides MemoryCache.Delete

// TestForget drops one request's response, fresh and stale, and keeps the others of the same
// scope, with a Deleter cache and with one that only has Set.
func TestForget(t *testing.T) {
	for _, tt := range []struct {
		name  string
		cache func(*httpexec.MemoryCache) httpexec.Cache
	}{
		{"deleter", func(m *httpexec.MemoryCache) httpexec.Cache { return m }},
		{"set only", func(m *httpexec.MemoryCache) httpexec.Cache { return setOnlyCache{m} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mem, err := httpexec.NewMemoryCache(100, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := tt.cache(mem).(httpexec.Deleter); ok != (tt.name == "deleter") {
				t.Fatalf("%s cache: Deleter %v", tt.name, ok)
			}
			ex, mt := newMock(t, httpexec.Options{Cache: tt.cache(mem)})
			calls := map[string]int{}
			for _, p := range []string{"/a", "/b"} {
				mt.RegisterResponder("GET", "https://api.example.com"+p, func(*http.Request) (*http.Response, error) {
					calls[p]++
					return httpmock.NewStringResponse(200, fmt.Sprintf(`{"n":%d}`, calls[p])), nil
				})
			}
			req := func(p string) *httpexec.Request {
				return &httpexec.Request{URL: "https://api.example.com" + p, CacheTTL: time.Minute, Scope: httpexec.Scope{Team: "t", Integration: "i"},
					Header: http.Header{"X-Contact": {"c1"}}}
			}
			do := func(p string) *httpexec.Response {
				t.Helper()
				resp, err := ex.Do(t.Context(), req(p))
				if err != nil {
					t.Fatal(err)
				}
				return resp
			}
			do("/a")
			do("/b")
			if err := ex.Forget(context.Background(), req("/a")); err != nil {
				t.Fatalf("Forget = %v", err)
			}
			if resp := do("/a"); resp.FromCache || calls["/a"] != 2 {
				t.Errorf("after Forget: from cache %v, upstream calls %d, want a new call", resp.FromCache, calls["/a"])
			}
			if resp := do("/b"); !resp.FromCache || calls["/b"] != 1 {
				t.Errorf("another request of the scope was dropped too")
			}
			other := req("/a")
			other.Header.Set("X-Contact", "c2")
			if err := ex.Forget(context.Background(), other); err != nil {
				t.Fatal(err)
			}
			if resp := do("/a"); !resp.FromCache {
				t.Errorf("forgetting another request (other header) dropped this one")
			}
			if err := ex.Forget(context.Background(), &httpexec.Request{Method: "BAD METHOD", URL: "https://api.example.com/a"}); err == nil {
				t.Error("Forget of an invalid method = nil error")
			}
		})
	}
}

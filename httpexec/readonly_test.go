package httpexec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// TestSharedResponseMutationIsHarmless: every caller of one key gets the
// same cached header and body (a hit shares them without a copy), and each
// caller changes everything it can reach. Nobody else sees a change, and
// under -race no access races. Callers arrive as herd members (one shared
// upstream call), as fresh hits and as stale hits.
func TestSharedResponseMutationIsHarmless(t *testing.T) {
	const body = `{"plan":"pro","email":"ada@example.com"}`
	release, entered := make(chan struct{}), make(chan struct{}, 16)
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("GET", "https://api.example.com/c/1", func(*http.Request) (*http.Response, error) {
		entered <- struct{}{}
		<-release // hold the first call so that the others join it
		r := httpmock.NewStringResponse(200, body)
		r.Header.Set("X-Plan", "pro")
		r.Header.Add("X-Multi", "a")
		r.Header.Add("X-Multi", "b")
		return r, nil
	})
	mt.RegisterResponder("GET", "https://api.example.com/err", func(*http.Request) (*http.Response, error) {
		entered <- struct{}{}
		<-release
		return httpmock.NewStringResponse(404, `{"error":"missing"}`), nil
	})
	ex := mustNew(t, httpexec.Options{Transport: mt, Retry: httpexec.RetryPolicy{MaxAttempts: 1}})
	req := &httpexec.Request{URL: "https://api.example.com/c/1", CacheTTL: time.Hour}
	errReq := &httpexec.Request{URL: "https://api.example.com/err", CacheTTL: time.Hour}

	// check reads what a caller got, then changes all of it.
	check := func(t *testing.T, resp *httpexec.Response) {
		t.Helper()
		if got := resp.Body.String(); got != body {
			t.Errorf("body = %q, want %q", got, body)
		}
		if got := resp.Header.Get("X-Plan"); got != "pro" {
			t.Errorf("X-Plan = %q, want pro", got)
		}
		if got := resp.Header.Values("X-Multi"); !slices.Equal(got, []string{"a", "b"}) {
			t.Errorf("X-Multi = %q, want [a b]", got)
		}
		b := resp.Body.Bytes()
		b[0] = 'X'
		_ = append(b[:2], "LEAK"...)
		_ = resp.Body.AppendTo(make([]byte, 0, 256))
		h := resp.Header.Clone()
		h.Set("X-Plan", "hacked")
		h.Del("X-Multi")
		resp.Header.Values("X-Multi")[0] = "hacked"
		for range resp.Header.All() {
		}
		resp.StatusCode, resp.FromCache = 0, false
	}
	checkErr := func(t *testing.T, err error) {
		t.Helper()
		se, ok := errors.AsType[*httpexec.StatusError](err)
		if !ok || string(se.Body) != `{"error":"missing"}` {
			t.Errorf("err = %v, want a 404 with its body", err)
			return
		}
		se.Body[0] = 'X'
		se.URL, se.StatusCode = "hacked", 0
	}

	var wg sync.WaitGroup
	for range 8 { // the herd: one upstream call each, shared by eight callers
		wg.Go(func() {
			resp, err := ex.Do(t.Context(), req)
			if err != nil {
				t.Errorf("Do = %v", err)
				return
			}
			check(t, resp)
		})
		wg.Go(func() {
			_, err := ex.Do(t.Context(), errReq)
			checkErr(t, err)
		})
	}
	<-entered // both upstream calls are held at release
	<-entered
	close(release)
	wg.Wait()
	for range 8 { // fresh hits, concurrently
		wg.Go(func() {
			resp, err := ex.Do(t.Context(), req)
			if err != nil || !resp.FromCache {
				t.Errorf("Do = %+v, %v, want a cache hit", resp, err)
				return
			}
			check(t, resp)
		})
	}
	wg.Wait()
	if n := mt.GetCallCountInfo()["GET https://api.example.com/c/1"]; n != 1 {
		t.Errorf("upstream calls for the cached key = %d, want 1", n)
	}
}

// A stale response (upstream down, expired entry within grace) shares the
// cached body as well; changing it is just as harmless.
func TestStaleResponseMutationIsHarmless(t *testing.T) {
	const body = `{"plan":"pro"}`
	mt := httpmock.NewMockTransport()
	up := true
	mt.RegisterResponder("GET", "https://api.example.com/s", func(*http.Request) (*http.Response, error) {
		if up {
			return httpmock.NewStringResponse(200, body), nil
		}
		return httpmock.NewStringResponse(503, "down"), nil
	})
	cache, err := httpexec.NewMemoryCache(16, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	ex := mustNew(t, httpexec.Options{Transport: mt, Cache: cache, Retry: httpexec.RetryPolicy{MaxAttempts: 1}})
	req := &httpexec.Request{URL: "https://api.example.com/s", CacheTTL: time.Nanosecond}
	if _, err := ex.Do(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	up = false
	for i := range 2 {
		resp, err := ex.Do(t.Context(), req)
		if err == nil || resp == nil || !resp.Stale || resp.Body.String() != body {
			t.Fatalf("call %d: Do = %+v, %v, want the stale body", i, resp, err)
		}
		b := resp.Body.Bytes()
		clear(b)
		resp.Header.Clone().Set("Content-Type", "text/hacked")
	}
}

// The executor's hit path allocates only the caller's Response: the views
// wrap what the cache holds. Together with the expansion's 3 allocations
// that is PERFORMANCE.md P4's budget of 4.
func TestCacheHitAllocs(t *testing.T) {
	if httpexec.RaceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	for _, observe := range []bool{false, true} {
		mt := httpmock.NewMockTransport()
		mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{"plan":"pro"}`))
		o := httpexec.Options{Transport: mt}
		if observe {
			o.Observe = func(context.Context, httpexec.Event) {}
		}
		ex := mustNew(t, o)
		req := benchRequest(benchURL)
		req.URLTemplate = "https://api.example.com/v1/teams/{{team.id}}/contacts/{{contact.id}}?email={{contact.email}}"
		ctx := t.Context()
		if _, err := ex.Do(ctx, req); err != nil {
			t.Fatal(err)
		}
		n := testing.AllocsPerRun(200, func() {
			if resp, err := ex.Do(ctx, req); err != nil || !resp.FromCache {
				t.Fatalf("Do = %+v, %v", resp, err)
			}
		})
		if n > 1 {
			t.Errorf("observe %v: a cache hit allocates %v times, want at most 1 (the Response)", observe, n)
		}
	}
}

func TestHeaderView(t *testing.T) {
	src := http.Header{"X-B": {"2"}, "X-A": {"1", "1b"}}
	h := httpexec.NewHeader(src)
	src.Set("X-A", "changed") // NewHeader copied
	var pairs []string
	for k, v := range h.All() {
		pairs = append(pairs, k+"="+v)
	}
	if diff := cmp.Diff([]string{"X-A=1", "X-A=1b", "X-B=2"}, pairs); diff != "" {
		t.Errorf("All mismatch (-want +got):\n%s", diff)
	}
	for k := range h.All() { // stopping early is fine
		if k != "X-A" {
			t.Errorf("first name = %q", k)
		}
		break
	}
	if h.Get("x-a") != "1" || h.Len() != 2 {
		t.Errorf("Get(x-a) = %q, Len = %d", h.Get("x-a"), h.Len())
	}
	h.Values("X-A")[0] = "changed"
	c := h.Clone()
	c.Set("X-A", "changed")
	if got := h.Values("X-A"); !slices.Equal(got, []string{"1", "1b"}) {
		t.Errorf("Values after changing copies = %q", got)
	}
	var zero httpexec.Header
	zero.Clone().Set("X", "a copy, never nil")
	if zero.Get("X") != "" || zero.Len() != 0 || len(zero.Clone()) != 0 || zero.Values("X") != nil {
		t.Error("the zero Header is not empty")
	}
}

func TestBodyView(t *testing.T) {
	src := []byte(`{"a":1}`)
	b := httpexec.NewBody(src)
	src[0] = 'X' // NewBody copied
	if b.String() != `{"a":1}` || b.Len() != 7 {
		t.Fatalf("body = %q (%d)", b.String(), b.Len())
	}
	c := b.Bytes()
	c[0] = 'X'
	if got := string(b.AppendTo([]byte("> "))); got != `> {"a":1}` {
		t.Errorf("AppendTo = %q", got)
	}
	var w bytes.Buffer
	if n, err := b.WriteTo(&w); err != nil || n != 7 || w.String() != `{"a":1}` {
		t.Errorf("WriteTo = %d, %v, %q", n, err, w.String())
	}
	all, err := io.ReadAll(b.Reader())
	if err != nil || string(all) != `{"a":1}` {
		t.Errorf("Reader = %q, %v", all, err)
	}
	var zero httpexec.Body
	if zero.Bytes() != nil || zero.String() != "" || zero.Len() != 0 {
		t.Error("the zero Body is not empty")
	}
	if !strings.Contains(b.String(), `"a"`) {
		t.Error("String lost the body")
	}
	if !b.Equal(b) || !b.Equal(httpexec.NewBody([]byte(`{"a":1}`))) || b.Equal(httpexec.NewBody([]byte(`{"a":2}`))) || b.Equal(zero) || !zero.Equal(httpexec.Body{}) {
		t.Error("Equal does not compare the bytes")
	}
	if got := b.View(); got != `{"a":1}` {
		t.Errorf("View = %q", got)
	}
	if zero.View() != "" {
		t.Error("the zero Body's View is not empty")
	}
	if n := testing.AllocsPerRun(10, func() { _ = b.View() }); n != 0 {
		t.Errorf("View allocates %v times, want 0", n)
	}
}

// A Response encodes to JSON as it did when Header and Body were an
// http.Header and a []byte: the views lose nothing.
func TestResponseJSON(t *testing.T) {
	resp := httpexec.Response{
		StatusCode: 200,
		Header:     httpexec.NewHeader(http.Header{"Content-Type": {"application/json"}}),
		Body:       httpexec.NewBody([]byte(`{"a":1}`)),
	}
	got, err := json.Marshal(struct {
		Header httpexec.Header
		Body   httpexec.Body
	}{resp.Header, resp.Body})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(struct {
		Header http.Header
		Body   []byte
	}{http.Header{"Content-Type": {"application/json"}}, []byte(`{"a":1}`)})
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("JSON mismatch (-want +got):\n%s", diff)
	}
}

package httpexec_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/variables"
)

// benchRequest is the P4 interpolation workload after expansion.
func benchRequest(url string) *httpexec.Request {
	return &httpexec.Request{
		Method:   "POST",
		URL:      url,
		Header:   http.Header{"X-Contact-Email": {"zoe+test@example.com"}, "Authorization": {"Bearer sk_live_0123456789"}},
		Body:     []byte(`{"name":"Zoë \"Z\" O'Brien\n","email":"zoe+test@example.com","phone":"+1 (555) 010-9999"}`),
		CacheTTL: time.Hour,
		Scope:    httpexec.Scope{Team: "t_42", Integration: "crm", Version: 7},
	}
}

const benchURL = "https://api.example.com/v1/teams/t_42/contacts/c%2F1001%20x?email=zoe%2Btest%40example.com"

// BenchmarkDoCacheHit is P4: key digest + LRU get + TTL check + response.
func BenchmarkDoCacheHit(b *testing.B) {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{"plan":"pro"}`))
	ex, err := httpexec.New(httpexec.Options{Transport: mt})
	if err != nil {
		b.Fatal(err)
	}
	req := benchRequest(benchURL)
	if _, err := ex.Do(b.Context(), req); err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := ex.Do(ctx, req)
		if err != nil || !resp.FromCache {
			b.Fatalf("Do = %+v, %v", resp, err)
		}
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		b.Fatalf("upstream calls = %d", n)
	}
}

// hitExpand sets up P4 as a caller pays it: an Executor holding the response of the
// interpolation workload, the request, and a function that expands the workload's URL, header
// and JSON body from the contact's values into the request.
func hitExpand(tb testing.TB) (*httpexec.Executor, *httpexec.Request, func()) {
	tb.Helper()
	compile := func(src string, target variables.Target) *variables.Template {
		t, err := variables.Compile(src, target, nil)
		if err != nil {
			tb.Fatal(err)
		}
		return t
	}
	u := compile("https://api.example.com/v1/teams/{{team.id}}/contacts/{{contact.id}}?email={{contact.email}}", variables.URL)
	h := compile("{{contact.email}}", variables.Header)
	j := compile(`{"name":"{{contact.name}}","email":"{{contact.email}}","phone":"{{contact.phone_number}}"}`, variables.JSON)
	values := variables.Map{
		"team.id": "t_42", "contact.id": "c/1001 x", "contact.email": "zoe+test@example.com",
		"contact.name": "Zoë \"Z\" O'Brien\n", "contact.phone_number": "+1 (555) 010-9999",
	}
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{"plan":"pro"}`))
	ex, err := httpexec.New(httpexec.Options{Transport: mt})
	if err != nil {
		tb.Fatal(err)
	}
	// Do neither modifies nor keeps a Request, so one is reused, as a caller with its own
	// request type would fill it.
	req := benchRequest("")
	expand := func() {
		var err error
		if req.URL, err = u.Expand(values); err != nil {
			tb.Fatal(err)
		}
		if req.Header["X-Contact-Email"][0], err = h.Expand(values); err != nil {
			tb.Fatal(err)
		}
		if req.Body, err = j.AppendExpand(nil, values); err != nil {
			tb.Fatal(err)
		}
	}
	expand()
	if req.URL != benchURL {
		tb.Fatalf("URL = %s", req.URL)
	}
	if _, err := ex.Do(tb.Context(), req); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if n := mt.GetTotalCallCount(); n != 1 {
			tb.Errorf("upstream calls = %d, want 1", n)
		}
	})
	return ex, req, expand
}

// BenchmarkDoCacheHitExpand is P4 as a caller pays it: expand the interpolation workload (URL,
// header, JSON body) from the contact's values, then key digest + LRU get + TTL check. Compare
// with BenchmarkDoLoopbackMiss (P4: at least 80x cheaper) and with integration's
// BenchmarkProfileCached/cards=5 (P11: at most 10x this).
func BenchmarkDoCacheHitExpand(b *testing.B) {
	ex, req, expand := hitExpand(b)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		expand()
		resp, err := ex.Do(ctx, req)
		if err != nil || !resp.FromCache {
			b.Fatalf("Do = %+v, %v", resp, err)
		}
	}
}

// TestCacheHitExpandAllocs holds the allocations of P4 (at most 4): the expanded URL and body,
// and the Response; the header value is the contact's value itself.
func TestCacheHitExpandAllocs(t *testing.T) {
	if httpexec.RaceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	ex, req, expand := hitExpand(t)
	ctx := t.Context()
	n := testing.AllocsPerRun(200, func() {
		expand()
		if resp, err := ex.Do(ctx, req); err != nil || !resp.FromCache {
			t.Fatalf("Do = %+v, %v", resp, err)
		}
	})
	if n != 3 {
		t.Errorf("expansion and cache hit allocate %v times, want 3", n)
	}
}

// BenchmarkDoCacheHitParallel is P5: compare ns/op at -cpu=1,2.
func BenchmarkDoCacheHitParallel(b *testing.B) {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{"plan":"pro"}`))
	ex, err := httpexec.New(httpexec.Options{Transport: mt})
	if err != nil {
		b.Fatal(err)
	}
	// A spread of keys, as many contacts are open at once.
	reqs := make([]*httpexec.Request, 64)
	for i := range reqs {
		reqs[i] = benchRequest(benchURL + "&i=" + strconv.Itoa(i))
		if _, err := ex.Do(b.Context(), reqs[i]); err != nil {
			b.Fatal(err)
		}
	}
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			resp, err := ex.Do(ctx, reqs[i&63])
			if err != nil || !resp.FromCache {
				b.Errorf("Do = %+v, %v", resp, err)
				return
			}
			i++
		}
	})
}

// BenchmarkDoLoopbackMiss is a full miss against a loopback httptest server
// through the guarded transport (TTL 0: no cache).
func BenchmarkDoLoopbackMiss(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"plan":"pro"}`))
	}))
	b.Cleanup(srv.Close)
	ex := mustNew(b, httpexec.Options{AllowPrivate: loopback})
	req := benchRequest(srv.URL + "/v1/teams/t_42/contacts/c%2F1001%20x?email=zoe%2Btest%40example.com")
	req.CacheTTL = 0
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ex.Do(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDoCacheHitParallelSameKey: every goroutine reads one hot key
// (500 agents on one VIP contact): the worst case for the shard lock.
func BenchmarkDoCacheHitParallelSameKey(b *testing.B) {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{"plan":"pro"}`))
	ex, err := httpexec.New(httpexec.Options{Transport: mt})
	if err != nil {
		b.Fatal(err)
	}
	req := benchRequest(benchURL)
	if _, err := ex.Do(b.Context(), req); err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if resp, err := ex.Do(ctx, req); err != nil || !resp.FromCache {
				b.Errorf("Do = %+v, %v", resp, err)
				return
			}
		}
	})
}

package httpexec_test

import (
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"slices"
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

// workload is the P4 interpolation workload: its templates and a contact's values.
type workload struct {
	url, header, body *variables.Template
	values            variables.Map
	shape             [sha256.Size]byte // stands for the templates in an Identity
}

func newWorkload(tb testing.TB) *workload {
	tb.Helper()
	compile := func(src string, target variables.Target) *variables.Template {
		t, err := variables.Compile(src, target, nil)
		if err != nil {
			tb.Fatal(err)
		}
		return t
	}
	w := &workload{
		url:    compile("https://api.example.com/v1/teams/{{team.id}}/contacts/{{contact.id}}?email={{contact.email}}", variables.URL),
		header: compile("{{contact.email}}", variables.Header),
		body:   compile(`{"name":"{{contact.name}}","email":"{{contact.email}}","phone":"{{contact.phone_number}}"}`, variables.JSON),
		values: variables.Map{
			"team.id": "t_42", "contact.id": "c/1001 x", "contact.email": "zoe+test@example.com",
			"contact.name": "Zoë \"Z\" O'Brien\n", "contact.phone_number": "+1 (555) 010-9999",
		},
	}
	// As package integration does, the shape is a digest of the templates, computed once.
	w.shape = sha256.Sum256([]byte(w.url.Source() + "\x00" + w.header.Source() + "\x00" + w.body.Source()))
	return w
}

// expand expands the workload into r: URL, the contact header, body.
func (w *workload) expand(r *httpexec.Request) error {
	var err error
	if r.URL, err = w.url.Expand(w.values); err != nil {
		return err
	}
	if r.Header["X-Contact-Email"][0], err = w.header.Expand(w.values); err != nil {
		return err
	}
	r.Body, err = w.body.AppendExpand(nil, w.values)
	return err
}

// Build implements httpexec.Builder: the workload's request, built only to be sent.
func (w *workload) Build(r *httpexec.Request) error {
	r.Header = benchRequest("").Header
	return w.expand(r)
}

// appendIdentity appends the Identity of the workload's request: its shape and the key of
// each template.
func (w *workload) appendIdentity(dst []byte) ([]byte, error) {
	dst = append(dst, w.shape[:]...)
	var err error
	for _, t := range []*variables.Template{w.url, w.header, w.body} {
		if dst, err = t.AppendKey(dst, w.values); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

// hitExpand sets up P4 as a caller pays it: an Executor holding the response of the
// interpolation workload, the request, and the function a caller runs before each Do. Keyed,
// the request is keyed by its Identity, the workload's values, and built only on a miss, as
// package integration does; otherwise the function expands the workload's URL, header and JSON
// body into the request first.
func hitExpand(tb testing.TB, keyed bool) (*httpexec.Executor, *httpexec.Request, func()) {
	tb.Helper()
	w := newWorkload(tb)
	mt := httpmock.NewMockTransport()
	var sent []string
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		sent = append(sent, r.Method+" "+r.URL.String()+" "+r.Header.Get("X-Contact-Email"))
		return httpmock.NewStringResponse(200, `{"plan":"pro"}`), nil
	})
	ex, err := httpexec.New(httpexec.Options{Transport: mt})
	if err != nil {
		tb.Fatal(err)
	}
	// Do neither modifies nor keeps a Request, so one is reused, as a caller with its own
	// request type would fill it.
	req := benchRequest("")
	var prep func()
	if keyed {
		req.URL, req.Header, req.Body = "", nil, nil
		req.Build = w
		buf := make([]byte, 0, 256)
		prep = func() {
			var err error
			if req.Identity, err = w.appendIdentity(buf[:0]); err != nil {
				tb.Fatal(err)
			}
		}
	} else {
		prep = func() {
			if err := w.expand(req); err != nil {
				tb.Fatal(err)
			}
		}
	}
	prep()
	if !keyed && req.URL != benchURL {
		tb.Fatalf("URL = %s", req.URL)
	}
	if _, err := ex.Do(tb.Context(), req); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if want := []string{"POST " + benchURL + " zoe+test@example.com"}; !slices.Equal(sent, want) {
			tb.Errorf("upstream requests %q, want %q", sent, want)
		}
	})
	return ex, req, prep
}

// BenchmarkDoCacheHitExpand is P4 as package integration pays it: key the interpolation
// workload (URL, header, JSON body) by the contact's values (variables.Template.AppendKey)
// into the request's Identity, then key digest + LRU get + TTL check; the request would be
// expanded only to be sent. Compare with BenchmarkDoLoopbackMiss (P4: at least 80x cheaper)
// and with integration's BenchmarkProfileCached/cards=5 (P11: at most 10x this).
func BenchmarkDoCacheHitExpand(b *testing.B) {
	benchHitExpand(b, true)
}

// BenchmarkDoCacheHitExpandEager is P4 for a caller that expands every request before Do:
// expand the workload, then key digest (of the whole request) + LRU get + TTL check.
func BenchmarkDoCacheHitExpandEager(b *testing.B) {
	benchHitExpand(b, false)
}

func benchHitExpand(b *testing.B, keyed bool) {
	ex, req, prep := hitExpand(b, keyed)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		prep()
		resp, err := ex.Do(ctx, req)
		if err != nil || !resp.FromCache {
			b.Fatalf("Do = %+v, %v", resp, err)
		}
	}
}

// TestCacheHitExpandAllocs holds the allocations of P4 (at most 4). Keyed by its values, a hit
// allocates the Response only; expanded first, also the expanded URL and body (the header value
// is the contact's value itself).
func TestCacheHitExpandAllocs(t *testing.T) {
	if httpexec.RaceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	for _, tt := range []struct {
		keyed bool
		want  float64
	}{{true, 1}, {false, 3}} {
		ex, req, prep := hitExpand(t, tt.keyed)
		ctx := t.Context()
		n := testing.AllocsPerRun(200, func() {
			prep()
			if resp, err := ex.Do(ctx, req); err != nil || !resp.FromCache {
				t.Fatalf("Do = %+v, %v", resp, err)
			}
		})
		if n != tt.want {
			t.Errorf("keyed %v: a cache hit allocates %v times, want %v", tt.keyed, n, tt.want)
		}
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

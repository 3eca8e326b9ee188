package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// profileBench returns an env whose inbox a1 shows three cached cards of Ada.
func profileBench(b *testing.B) *env {
	e := newEnv(b, nil)
	for i := range 3 {
		e.create(b, "Card "+strconv.Itoa(i), "a1", i+1)
	}
	e.mustDo(b, http.StatusOK, "member-a", "GET", "/inboxes/a1/contacts/c-ada/profile", "", nil) // warm the cache
	return e
}

// BenchmarkLoadProfile is one loadProfile of three cached cards through the Handler, without
// the network: the API's cost on top of Service.Profile.
func BenchmarkLoadProfile(b *testing.B) {
	e := profileBench(b)
	req := httptest.NewRequest("GET", "/inboxes/a1/contacts/c-ada/profile", nil)
	req.Header.Set("X-Test-User", "member-a")
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		e.api.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
	if calls := e.calls.Load(); calls != 3 {
		b.Fatalf("%d upstream calls, want 3 (the warm-up)", calls)
	}
}

// BenchmarkLoadProfileLoopback is a load driver: 64 concurrent keep-alive connections asking
// for loadProfile of three cached cards over loopback HTTP. It reports requests per second
// and the p50 and p99 latency.
func BenchmarkLoadProfileLoopback(b *testing.B) {
	e := profileBench(b)
	url := e.srv.URL + "/api/inboxes/a1/contacts/c-ada/profile"
	drive(b, func(c *http.Client, _ int64) (*http.Request, error) {
		req, err := http.NewRequest("GET", url, nil)
		req.Header.Set("X-Test-User", "member-a")
		return req, err
	})
}

// BenchmarkWebhookLoopback is a load driver for receiveWebhook: 64 concurrent connections
// posting signed deliveries, each a new message, to the in-memory stores.
func BenchmarkWebhookLoopback(b *testing.B) {
	w := newWebhookEnv(b)
	url := w.srv.URL + "/api/webhooks/chat"
	drive(b, func(c *http.Client, n int64) (*http.Request, error) {
		id := "d-" + strconv.FormatInt(n, 10)
		body := `{"type": "message", "id": "` + id + `", "email": "ada@example.com", "text": "Hello number ` + id + `"}`
		req, err := http.NewRequest("POST", url, strings.NewReader(body))
		now := time.Now()
		req.Header.Set("webhook-id", id)
		req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
		req.Header.Set("webhook-signature", w.signer.Sign(id, now, []byte(body)))
		return req, err
	})
	if got := w.messages.Len(); int64(got) < int64(b.N) {
		b.Fatalf("%d messages for %d deliveries", got, b.N)
	}
}

// drive sends b.N requests made by next from 64 goroutines, each with its own keep-alive
// connection, and reports req/s, p50-ms and p99-ms.
func drive(b *testing.B, next func(c *http.Client, n int64) (*http.Request, error)) {
	const conns = 64
	var (
		mu        sync.Mutex
		latencies []time.Duration
		seq       atomic.Int64
	)
	b.SetParallelism((conns + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
		defer c.CloseIdleConnections()
		var mine []time.Duration
		for pb.Next() {
			req, err := next(c, seq.Add(1))
			if err != nil {
				b.Error(err)
				return
			}
			t0 := time.Now()
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mine = append(mine, time.Since(t0))
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
		mu.Lock()
		latencies = append(latencies, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(latencies) == 0 {
		return
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(float64(len(latencies)-1)*p)].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkListCatalog is one listCatalog through the Handler: every entry loaded, its
// template parsed and its sample rendered (the gallery opens it once per visit).
func BenchmarkListCatalog(b *testing.B) {
	e := newEnv(b, nil)
	req := httptest.NewRequest("GET", "/catalog", nil)
	req.Header.Set("X-Test-User", "member-a")
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		e.api.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}

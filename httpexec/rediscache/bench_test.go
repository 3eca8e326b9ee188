package rediscache_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/httpexec/rediscache"
)

// benchRequest is the P4 workload after expansion, with a ~2 KB response.
func benchRequest() *httpexec.Request {
	return &httpexec.Request{
		Method:   "POST",
		URL:      "https://api.example.com/v1/teams/t_42/contacts/c%2F1001%20x?email=zoe%2Btest%40example.com",
		Header:   http.Header{"X-Contact-Email": {"zoe+test@example.com"}, "Authorization": {"Bearer sk_live_0123456789"}},
		Body:     []byte(`{"name":"Zoë \"Z\" O'Brien\n","email":"zoe+test@example.com","phone":"+1 (555) 010-9999"}`),
		CacheTTL: time.Hour,
		Scope:    httpexec.Scope{Team: "t_42", Integration: "crm", Version: 7},
	}
}

var benchBody = `{"customer":{"name":"Zoë O'Brien","plan":"pro","ltv":1234.5},"orders":[` +
	func() string {
		s := ""
		for i := range 14 {
			if i > 0 {
				s += ","
			}
			s += `{"id":"ord_1001","status":"shipped","total":12.99,"created_at":"2024-01-15T10:00:00Z","url":"https://shop.example.com/o/1"}`
		}
		return s
	}() + `]}`

// BenchmarkHit is P12's hit path: Executor.Do served from Redis (one
// loopback round trip) against the same Do served by the in-memory cache.
func BenchmarkHit(b *testing.B) {
	for _, bc := range []struct {
		name  string
		cache func(b *testing.B) httpexec.Cache
	}{
		{"memory", func(*testing.B) httpexec.Cache { return nil }},
		{"redis", func(b *testing.B) httpexec.Cache {
			c, _ := newCache(b, rediscache.Options{})
			return c
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			mt := httpmock.NewMockTransport()
			mt.RegisterNoResponder(httpmock.NewStringResponder(200, benchBody))
			ex, err := httpexec.New(httpexec.Options{Transport: mt, Cache: bc.cache(b)})
			if err != nil {
				b.Fatal(err)
			}
			req := benchRequest()
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
		})
	}
}

// BenchmarkRoundTrip is one loopback round trip to Redis (PING), the
// yardstick of BenchmarkHit's difference.
func BenchmarkRoundTrip(b *testing.B) {
	client := newClient(b)
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if err := client.Ping(ctx).Err(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHitVsRoundTrip alternates a Redis hit through the Executor with
// a PING on the same machine, so that both see the same load, and reports
// their times and ratio: P12 wants the hit to cost about one round trip.
func BenchmarkHitVsRoundTrip(b *testing.B) {
	c, client := newCache(b, rediscache.Options{})
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, benchBody))
	ex, err := httpexec.New(httpexec.Options{Transport: mt, Cache: c})
	if err != nil {
		b.Fatal(err)
	}
	req := benchRequest()
	ctx := b.Context()
	if _, err := ex.Do(ctx, req); err != nil {
		b.Fatal(err)
	}
	var hit, rtt time.Duration
	for b.Loop() {
		t0 := time.Now()
		resp, err := ex.Do(ctx, req)
		t1 := time.Now()
		if err != nil || !resp.FromCache {
			b.Fatalf("Do = %+v, %v", resp, err)
		}
		if err := client.Ping(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		hit, rtt = hit+t1.Sub(t0), rtt+time.Since(t1)
	}
	b.ReportMetric(float64(hit.Microseconds())/float64(b.N), "hit-µs/op")
	b.ReportMetric(float64(rtt.Microseconds())/float64(b.N), "ping-µs/op")
	b.ReportMetric(float64(hit)/float64(rtt), "hit/ping")
}

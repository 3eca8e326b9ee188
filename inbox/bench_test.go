package inbox_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
)

// BenchmarkSync is P9: one pre-verified delivery (decode + ledger claim +
// contact lookup + get-or-create conversation + send + complete) against
// the in-memory host stores. Target: >= 20,000 deliveries/s on one core.
func BenchmarkSync(b *testing.B) {
	e := newEnv(b, nil)
	for i := range 100 {
		e.contacts.Add("c"+strconv.Itoa(i), "user"+strconv.Itoa(i)+"@example.com")
	}
	d := mustDecoder(b)
	bodies := make([][]byte, 1000)
	for i := range bodies {
		bodies[i] = msgBody("seed", "user"+strconv.Itoa(i%100)+"@example.com", "Hello, I have a question about my order")
	}
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		ev, err := d.Decode(nil, bodies[n%len(bodies)])
		if err != nil {
			b.Fatal(err)
		}
		ev.MessageID = "m" + strconv.Itoa(n) // a new message each time
		n++
		out, err := e.s.Sync(ctx, ev)
		if err != nil || out.Status != inbox.StatusSent {
			b.Fatal(out, err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "deliveries/s")
}

// BenchmarkSyncDuplicate measures the duplicate path: decode + claim (done).
func BenchmarkSyncDuplicate(b *testing.B) {
	e := newEnv(b, nil)
	e.contacts.Add("c1", "ada@example.com")
	d := mustDecoder(b)
	body := msgBody("m1", "ada@example.com", "hi")
	ctx := context.Background()
	ev, _ := d.Decode(nil, body)
	e.s.Sync(ctx, ev)
	b.ReportAllocs()
	for b.Loop() {
		ev, _ := d.Decode(nil, body)
		if out, err := e.s.Sync(ctx, ev); err != nil || out.Status != inbox.StatusDuplicate {
			b.Fatal(out, err)
		}
	}
}

// BenchmarkSyncConcurrentDuplicates checks the P9 guarantee under load:
// 20 concurrent identical deliveries per iteration give exactly 1 message.
func BenchmarkSyncConcurrentDuplicates(b *testing.B) {
	e := newEnv(b, nil)
	e.contacts.Add("c1", "ada@example.com")
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		id := "m" + strconv.Itoa(n)
		n++
		var sent atomic.Int32
		done := make(chan struct{})
		for range 20 {
			go func() {
				if out, err := e.s.Sync(ctx, basicEvent(id, "ada@example.com")); err == nil && out.Status == inbox.StatusSent {
					sent.Add(1)
				}
				done <- struct{}{}
			}()
		}
		for range 20 {
			<-done
		}
		if sent.Load() != 1 {
			b.Fatalf("iteration %d: %d sends; want 1", n, sent.Load())
		}
	}
	if e.msgs.Len() != n {
		b.Fatalf("%d messages for %d keys", e.msgs.Len(), n)
	}
}

// BenchmarkStandardWebhooksVerify is P10: verify a 2 KiB body (the body
// read is not measured). Target: <= 2 allocs/op.
func BenchmarkStandardWebhooksVerify(b *testing.B) {
	body := []byte(`{"type":"message.received","data":{"text":"` + strings.Repeat("x", 2048-46) + `"}}`)
	if len(body) != 2048 {
		b.Fatalf("body is %d bytes", len(body))
	}
	now := time.Unix(1614265330, 0)
	v, err := inbox.NewStandardWebhooks(inbox.StandardWebhooksOptions{Secrets: []string{testSecret}, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	h := http.Header{}
	h.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= "+v.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", now, body))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(h, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHMACVerify(b *testing.B) {
	body := []byte(strings.Repeat("x", 2048))
	v, _ := inbox.NewHMAC(inbox.HMACOptions{Secrets: []string{"secret"}})
	h := http.Header{}
	h.Set("X-Hub-Signature-256", v.Sign(body))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(h, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStripeVerify(b *testing.B) {
	body := []byte(strings.Repeat("x", 2048))
	now := time.Unix(1700000000, 0)
	v, _ := inbox.NewStripe(inbox.StripeOptions{Secrets: []string{"whsec_x"}, Now: func() time.Time { return now }})
	h := http.Header{}
	h.Set("Stripe-Signature", v.Sign(now, body))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(h, body); err != nil {
			b.Fatal(err)
		}
	}
}

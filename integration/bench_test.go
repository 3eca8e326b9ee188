package integration_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/integration"
)

// BenchmarkProfileCached measures a profile load whose responses are all cached: store reads,
// expansion, cache hits and template rendering, without any upstream call.
func BenchmarkProfileCached(b *testing.B) {
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("cards=%d", n), func(b *testing.B) {
			e := newEnvLevel(b, slog.LevelWarn) // no per-request debug records
			up := newUpstream(b, jsonReply(`{"id":12345,"tier":"Gold","ltv":2850,"orders":[{"id":"A-1"},{"id":"A-2"}]}`))
			for i := range n {
				e.create(b, &integration.Integration{
					Name: fmt.Sprint("CRM ", i), URL: up.URL + fmt.Sprintf("/%d/customers?email={{contact.email}}", i),
					Headers:      []integration.Header{{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true}},
					CacheMinutes: 60, Active: true,
					Display: integration.Display{Enabled: true, Template: customerTemplate},
				}, i, "a1")
			}
			req := &integration.ProfileRequest{InboxID: "a1", Contact: ada}
			ctx := b.Context()
			if _, err := e.svc.Profile(ctx, memberA, req); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				cards, err := e.svc.Profile(ctx, memberA, req)
				if err != nil || !cards[0].FromCache {
					b.Fatalf("Profile = %v, from cache %v", err, cards[0].FromCache)
				}
			}
			if up.calls() != n {
				b.Fatalf("upstream calls = %d, want %d", up.calls(), n)
			}
		})
	}
}

// BenchmarkProfileCachedSteps compares a cached card of one request with a cached card of two
// chained requests (customer, then orders) showing the same data: the second step costs one
// more cache lookup and a larger document to render, and should stay within 2x.
func BenchmarkProfileCachedSteps(b *testing.B) {
	orders := `{"orders":[{"id":"A-1","total":42},{"id":"A-2","total":7.5}]}`
	for _, steps := range []int{1, 2} {
		b.Run(fmt.Sprintf("steps=%d", steps), func(b *testing.B) {
			e := newEnvLevel(b, slog.LevelWarn)
			up := newUpstream(b, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if strings.HasSuffix(r.URL.Path, "/orders") {
					io.WriteString(w, orders)
					return
				}
				io.WriteString(w, `{"customer":{"id":"cus_1","name":"Ada","tier":"Gold","ltv":2850},"orders":[{"id":"A-1","total":42},{"id":"A-2","total":7.5}]}`)
			})
			in := &integration.Integration{
				Name: "CRM", URL: up.URL + "/customers?email={{contact.email}}", CacheMinutes: 60, Active: true,
				Display: integration.Display{Enabled: true, Template: json.RawMessage(`{"version": 1, "sections": [
					{"type": "keyvalue", "title": "Customer", "items": [{"label": "Name", "value": "{{customer.name}}"}, {"label": "Tier", "value": "{{customer.tier}}"}]},
					{"type": "repeat", "path": "orders", "item": {"type": "text", "text": "Order {{id}}: {{total}}"}}]}`)},
			}
			if steps == 2 {
				in.StepName = "lookup"
				in.Steps = []integration.Step{{Name: "orders", URL: up.URL + "/customers/{{steps.lookup.body.customer.id}}/orders"}}
				in.Display.Template = json.RawMessage(`{"version": 1, "sections": [
					{"type": "keyvalue", "title": "Customer", "items": [{"label": "Name", "value": "{{steps.lookup.body.customer.name}}"}, {"label": "Tier", "value": "{{steps.lookup.body.customer.tier}}"}]},
					{"type": "repeat", "path": "steps.orders.body.orders", "item": {"type": "text", "text": "Order {{id}}: {{total}}"}}]}`)
			}
			e.create(b, in, 0, "a1")
			req := &integration.ProfileRequest{InboxID: "a1", Contact: ada}
			ctx := b.Context()
			if cards, err := e.svc.Profile(ctx, memberA, req); err != nil || cards[0].Status != integration.StatusOK {
				b.Fatalf("Profile = %v, %v", cards, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				cards, err := e.svc.Profile(ctx, memberA, req)
				if err != nil || !cards[0].FromCache {
					b.Fatalf("Profile = %v, from cache %v", err, cards[0].FromCache)
				}
			}
			if up.calls() != steps {
				b.Fatalf("upstream calls = %d, want %d", up.calls(), steps)
			}
		})
	}
}

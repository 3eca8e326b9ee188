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

// profileBody is a ~2 KB customer record, as a CRM or a shop answers for one contact.
var profileBody = func() string {
	var b strings.Builder
	b.WriteString(`{"id":12345,"name":"Ada Lovelace","email":"ada+test@example.com","phone":"+44 20 7946 0000",` +
		`"tier":"Gold","ltv":2850.5,"currency":"USD","customer_since":"2019-04-12T09:30:00Z","verified":true,` +
		`"address":{"line1":"12 Analytical Row","city":"London","postcode":"NW1 6XE","country":"GB"},` +
		`"tags":["vip","beta","newsletter"],"notes":"Prefers email. Asked about the annual plan twice.",` +
		`"profile_url":"https://crm.example.com/customers/12345","orders":[`)
	for i := range 8 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"A-10%02d","status":"shipped","total":%d.95,"placed_at":"2024-0%d-1%dT10:00:00Z",`+
			`"url":"https://shop.example.com/orders/A-10%02d","items":[{"sku":"SKU-%d","qty":1,"price":%d.95}]}`,
			i, 40+i*7, 1+i%9, i%10, i, i, 40+i*7)
	}
	b.WriteString(`]}`)
	return b.String()
}()

// profileTemplate is a customer-profile display: the customer's details, then the recent orders.
const profileTemplate = `{"version": 1, "sections": [
  {"type": "keyvalue", "title": "{{name}}", "items": [
    {"label": "Customer ID", "value": "{{id}}"},
    {"label": "Email", "value": "{{email}}", "format": {"type": "email"}},
    {"label": "Phone", "value": "{{phone}}", "format": {"type": "phone"}},
    {"label": "Tier", "value": "{{tier}}", "format": {"type": "badge", "tones": {"Gold": "success", "Silver": "info"}}},
    {"label": "Lifetime value", "value": "{{ltv}}", "format": {"type": "currency", "currency": "USD"}},
    {"label": "Customer since", "value": "{{customer_since}}", "format": {"type": "date"}},
    {"label": "City", "value": "{{address.city}}"}]},
  {"type": "table", "title": "Recent orders", "path": "orders", "limit": 5, "columns": [
    {"label": "Order", "value": "{{id}}"},
    {"label": "Status", "value": "{{status}}", "format": {"type": "badge", "tones": {"shipped": "success"}}},
    {"label": "Total", "value": "{{total}}", "format": {"type": "currency", "currency": "USD"}},
    {"label": "Placed", "value": "{{placed_at}}", "format": {"type": "date"}},
    {"label": "Link", "value": "{{url}}", "format": {"type": "link", "label": "Open"}}]},
  {"type": "link", "label": "Open in CRM", "url": "{{profile_url}}"}]}`

// BenchmarkProfileCached is P11 (PERFORMANCE.md): a profile load whose responses are all
// cached (store reads, expansion, cache hits and the rendered cards), without any upstream
// call. Compare cards=5 with httpexec's BenchmarkDoCacheHitExpand (P4).
func BenchmarkProfileCached(b *testing.B) {
	for _, n := range []int{1, 3, 5} {
		b.Run(fmt.Sprintf("cards=%d", n), func(b *testing.B) {
			e := newEnvLevel(b, slog.LevelWarn) // no per-request debug records
			up := newUpstream(b, jsonReply(profileBody))
			for i := range n {
				e.create(b, &integration.Integration{
					Name: fmt.Sprint("CRM ", i), URL: up.URL + fmt.Sprintf("/%d/customers?email={{contact.email}}", i),
					Headers:      []integration.Header{{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true}},
					CacheMinutes: 60, Active: true,
					Display: integration.Display{Enabled: true, Template: []byte(profileTemplate)},
				}, i, "a1")
			}
			req := &integration.ProfileRequest{InboxID: "a1", Contact: ada}
			ctx := b.Context()
			cards, err := e.svc.Profile(ctx, memberA, req)
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range cards {
				if c.Status != integration.StatusOK || c.Output == nil || len(c.Output.Diagnostics) > 0 {
					b.Fatalf("card = %+v", c)
				}
			}
			// P11's workload: ~2 KB responses, and loads that reuse the rendered cards.
			if n := len(profileBody); n < 1500 || n > 2500 {
				b.Fatalf("response of %d bytes, want about 2 KB", n)
			}
			kept, _ := e.svc.Profile(ctx, memberA, req)
			if reused, _ := e.svc.Profile(ctx, memberA, req); reused[n-1].Output != kept[n-1].Output {
				b.Fatal("a cached load rendered its card again")
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

// BenchmarkProfileCachedParallel is P11's load from many agents at once (compare -cpu=1,2, as
// P5 does for the executor): the shared state of a cached load (the store's lists, the compiled
// and rendered caches, the executor's cache) must not serialise the loads.
func BenchmarkProfileCachedParallel(b *testing.B) {
	e := newEnvLevel(b, slog.LevelWarn)
	up := newUpstream(b, jsonReply(profileBody))
	for i := range 5 {
		e.create(b, &integration.Integration{
			Name: fmt.Sprint("CRM ", i), URL: up.URL + fmt.Sprintf("/%d/customers?email={{contact.email}}", i),
			Headers:      []integration.Header{{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true}},
			CacheMinutes: 60, Active: true,
			Display: integration.Display{Enabled: true, Template: []byte(profileTemplate)},
		}, i, "a1")
	}
	// A spread of contacts, as many profiles are open at once.
	reqs := make([]*integration.ProfileRequest, 16)
	for i := range reqs {
		c := ada
		c.ID, c.Email = fmt.Sprint("c", i), fmt.Sprintf("agent%d@example.com", i)
		reqs[i] = &integration.ProfileRequest{InboxID: "a1", Contact: c}
		if _, err := e.svc.Profile(b.Context(), memberA, reqs[i]); err != nil {
			b.Fatal(err)
		}
	}
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			cards, err := e.svc.Profile(ctx, memberA, reqs[i&15])
			if err != nil || !cards[4].FromCache {
				b.Errorf("Profile = %v, from cache %v", err, cards[4].FromCache)
				return
			}
			i++
		}
	})
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

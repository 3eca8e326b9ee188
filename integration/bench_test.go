package integration_test

import (
	"fmt"
	"log/slog"
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

package catalog_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/integration/catalog"
)

// BenchmarkList measures what reading the embedded entries on every call costs.
func BenchmarkList(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := catalog.List(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInstall(b *testing.B) {
	values := map[string]string{"shop": "acme-shop", "access_token": "shpat_0123456789abcdef0123456789abcdef"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := catalog.Install("shopify-orders", values); err != nil {
			b.Fatal(err)
		}
	}
}

package memstore_test

import (
	"fmt"
	"testing"

	"github.com/inboxkit/inboxkit/integration/integrationtest"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

// BenchmarkList measures what a profile load asks of the store: the team's integrations.
func BenchmarkList(b *testing.B) {
	s := memstore.New()
	for i := range 5 {
		if err := s.Save(b.Context(), integrationtest.Sample("acme", fmt.Sprint("int-", i)), 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if list, err := s.List(b.Context(), "acme"); err != nil || len(list) != 5 {
				b.Fatal(len(list), err)
			}
		}
	})
}

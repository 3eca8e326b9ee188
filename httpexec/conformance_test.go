package httpexec_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/httpexec/httpexectest"
)

// The example's generation-number cache (the Redis design) passes the same
// conformance suite as the default MemoryCache.
func TestGenerationCacheConformance(t *testing.T) {
	httpexectest.RunCache(t, func(t *testing.T) httpexec.Cache {
		return &generationCache{gens: map[string]int64{}, items: map[string]*httpexec.CacheEntry{}}
	})
}

func TestShardedMemoryCacheConformance(t *testing.T) {
	// The default Executor cache shards when the budget allows; run the
	// suite through an Executor-sized cache too.
	httpexectest.RunCache(t, func(t *testing.T) httpexec.Cache {
		c, err := httpexec.NewMemoryCache(httpexec.DefaultCacheEntries, httpexec.DefaultCacheBytes)
		if err != nil {
			t.Fatal(err)
		}
		return c
	})
}

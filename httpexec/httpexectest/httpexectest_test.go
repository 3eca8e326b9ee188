package httpexectest_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/httpexec/httpexectest"
)

func TestMemoryCache(t *testing.T) {
	httpexectest.RunCache(t, func(t *testing.T) httpexec.Cache {
		c, err := httpexec.NewMemoryCache(1024, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		return c
	})
}

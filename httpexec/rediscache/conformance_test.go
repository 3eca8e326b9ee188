package rediscache_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/httpexec/httpexectest"
	"github.com/inboxkit/inboxkit/httpexec/rediscache"
)

func TestConformance(t *testing.T) {
	httpexectest.RunCache(t, func(t *testing.T) httpexec.Cache {
		c, _ := newCache(t, rediscache.Options{})
		return c
	})
}

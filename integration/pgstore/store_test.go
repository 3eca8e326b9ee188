package pgstore_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/integrationtest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	integrationtest.Run(t, func(t *testing.T) integration.Store {
		s, _ := newStore(t)
		return s
	})
}

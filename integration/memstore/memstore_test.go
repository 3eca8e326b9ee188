package memstore_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/integrationtest"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	integrationtest.Run(t, func(*testing.T) integration.Store { return memstore.New() })
}

package integration_test

import (
	"bytes"
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/inboxkit/inboxkit/integration"
)

// countingSealer counts the calls to Open of the sealer it wraps.
type countingSealer struct {
	integration.Sealer
	opens atomic.Int64
}

func (s *countingSealer) Open(ctx context.Context, sealed string, aad []byte) ([]byte, error) {
	s.opens.Add(1)
	return s.Sealer.Open(ctx, sealed, aad)
}

// A cached profile load opens no secret: the secrets are opened only when a request is sent.
// What the upstream echoes of them is redacted before the response is cached.
func TestCachedLoadOpensNoSecret(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	aes, err := integration.NewAESGCM(integration.Key{ID: "k1", Secret: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	sealer := &countingSealer{Sealer: aes}
	svc := e.service(t, func(o *integration.Options) { o.Sealer = sealer })
	up := newUpstream(t, echo(200))
	in := secretIntegration(up.URL)
	in.CacheMinutes = 5
	created, err := svc.Create(ctx, adminA, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Attach(ctx, adminA, created.ID, "a1", 1); err != nil {
		t.Fatal(err)
	}
	load := func(what string, refresh bool) integration.Card {
		t.Helper()
		cards, err := svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada, Refresh: refresh})
		if err != nil || len(cards) != 1 || cards[0].Status != integration.StatusOK {
			t.Fatalf("%s: Profile = %s, %v", what, mustJSON(t, cards), err)
		}
		assertNoSecret(t, what, mustJSON(t, cards))
		if !strings.Contains(mustJSON(t, cards), integration.Redacted) {
			t.Errorf("%s: the echoed credential is not shown redacted: %s", what, mustJSON(t, cards))
		}
		return cards[0]
	}
	sealer.opens.Store(0)
	if c := load("first load", false); c.FromCache {
		t.Fatal("first load came from the cache")
	}
	if n := sealer.opens.Load(); n != 2 {
		t.Errorf("first load: %d Sealer.Open calls, want 2 (the secret header and the secret)", n)
	}
	if got := up.last(t).Header.Get("Authorization"); got != "Bearer "+testSecret {
		t.Errorf("upstream Authorization = %q, want the clear token", got)
	}
	sealer.opens.Store(0)
	for i := range 3 {
		if c := load("cached load", false); !c.FromCache {
			t.Fatalf("cached load %d did not come from the cache", i)
		}
	}
	if n := sealer.opens.Load(); n != 0 {
		t.Errorf("cached loads: %d Sealer.Open calls, want 0", n)
	}
	if n := up.calls(); n != 1 {
		t.Errorf("upstream calls = %d, want 1", n)
	}
	load("refresh", true)
	if n := sealer.opens.Load(); n != 2 || up.calls() != 2 {
		t.Errorf("refresh: %d Sealer.Open calls, %d upstream calls; want 2 and 2", n, up.calls())
	}

	// A new secret is a new cache entry: the old response, fetched with the old credential,
	// is not served for the new one.
	view, err := svc.Get(ctx, adminA, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	view.Secrets[0].Value = "sk_live_rotated_42"
	if _, err := svc.Update(ctx, adminA, view); err != nil {
		t.Fatal(err)
	}
	if c := load("after a new secret", false); c.FromCache {
		t.Error("after a new secret the card came from the cache")
	}
	if got := up.last(t).Header.Get("X-Api-Key"); got != "k-sk_live_rotated_42" {
		t.Errorf("upstream X-Api-Key after the update = %q", got)
	}
}

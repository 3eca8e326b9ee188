package integration_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

func key(id string, b byte) integration.Key {
	return integration.Key{ID: id, Secret: bytes.Repeat([]byte{b}, 32)}
}

func TestAESGCMRoundTripAndRotation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	old, err := integration.NewAESGCM(key("2023", 1))
	if err != nil {
		t.Fatal(err)
	}
	sealedOld, err := old.Seal(ctx, []byte("Bearer tok"), []byte("aad"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sealedOld, "v1.2023.") || strings.Contains(sealedOld, "tok") {
		t.Errorf("sealed = %q", sealedOld)
	}
	again, _ := old.Seal(ctx, []byte("Bearer tok"), []byte("aad"))
	if again == sealedOld {
		t.Error("two seals of one value are equal: nonce reused")
	}

	// Rotation: the new key seals, the old one still opens.
	rotated, err := integration.NewAESGCM(key("2024", 2), key("2023", 1))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotated.Open(ctx, sealedOld, []byte("aad")); err != nil || string(got) != "Bearer tok" {
		t.Errorf("Open(old value) after rotation = %q, %v", got, err)
	}
	sealedNew, _ := rotated.Seal(ctx, []byte("x"), []byte("aad"))
	if !strings.HasPrefix(sealedNew, "v1.2024.") {
		t.Errorf("rotated sealer sealed with %q, want key 2024", sealedNew)
	}
	if _, err := old.Open(ctx, sealedNew, []byte("aad")); !errors.Is(err, integration.ErrSealed) {
		t.Errorf("old sealer opening a new value = %v, want ErrSealed", err)
	}

	tampered := []byte(sealedOld)
	tampered[len(tampered)-3] ^= 1
	for name, tc := range map[string]struct {
		sealed, aad string
	}{
		"other integration (AAD)": {sealedOld, "other"},
		"tampered":                {string(tampered), "aad"},
		"garbage":                 {"hello", "aad"},
		"unknown key":             {"v1.1999.AAAA", "aad"},
		"short":                   {"v1.2023.AAAA", "aad"},
		"bad base64":              {"v1.2023.!!!", "aad"},
	} {
		if _, err := rotated.Open(ctx, tc.sealed, []byte(tc.aad)); !errors.Is(err, integration.ErrSealed) {
			t.Errorf("Open(%s) = %v, want ErrSealed", name, err)
		}
	}
}

func TestNewAESGCMRejectsBadKeys(t *testing.T) {
	t.Parallel()
	for name, keys := range map[string][]integration.Key{
		"none":      nil,
		"short":     {{ID: "k", Secret: []byte("short")}},
		"empty id":  {{ID: "", Secret: bytes.Repeat([]byte{1}, 32)}},
		"dot in id": {{ID: "a.b", Secret: bytes.Repeat([]byte{1}, 32)}},
		"duplicate": {key("k", 1), key("k", 2)},
	} {
		if _, err := integration.NewAESGCM(keys...); err == nil {
			t.Errorf("NewAESGCM(%s) = nil error", name)
		}
	}
}

// A sealed value only opens for the integration it was sealed for.
func TestSealedValueBoundToIntegration(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	up := newUpstream(t, echo(200))
	a := e.create(t, secretIntegration(up.URL), 0, "a1")
	b := e.create(t, secretIntegration(up.URL), 1, "a1")
	// Move a's sealed token into b behind the Service's back (as a compromised database might).
	storedA, _ := e.store.Get(ctx, "team-a", a.ID)
	storedB, _ := e.store.Get(ctx, "team-a", b.ID)
	storedB.Headers[0].Sealed = storedA.Headers[0].Sealed
	storedB.Version++
	if err := e.store.Save(ctx, storedB, storedB.Version-1); err != nil {
		t.Fatal(err)
	}
	cards, err := e.svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	if cards[0].Status != integration.StatusOK || cards[1].Status != integration.StatusError ||
		cards[1].Error.Category != integration.CategoryConfiguration {
		t.Errorf("cards = %s; want a ok, b configuration error", mustJSON(t, cards))
	}
}

// A host store keyed by (team, ID) may hold the same ID for two teams: a sealed value moved
// from one team's integration to the other's (by whoever can write the database) does not open.
func TestSealedValueBoundToTeam(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	up := newUpstream(t, echo(200))
	sealer, err := integration.NewAESGCM(key("k1", 7))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	svcFor := func(store *memstore.Store) *integration.Service {
		t.Helper()
		svc, err := integration.NewService(integration.Options{
			Store: store, Attachments: store, Inboxes: store, Executor: e.exec, Sealer: sealer,
			NewID: func() string { return "int-1" },
		})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	storeA, storeB := memstore.New(), memstore.New() // one database table per team, as it were
	storeA.AddInbox(integration.Inbox{ID: "a1", TeamID: "team-a"})
	storeB.AddInbox(integration.Inbox{ID: "b1", TeamID: "team-b"})
	svcA, svcB := svcFor(storeA), svcFor(storeB)
	inA, err := svcA.Create(ctx, adminA, secretIntegration(up.URL))
	if err != nil {
		t.Fatal(err)
	}
	weak := secretIntegration(up.URL)
	weak.Headers[0].Value, weak.Secrets[0].Value = "Bearer team-b-token", "team-b-key"
	inB, err := svcB.Create(ctx, adminB, weak)
	if err != nil || inB.ID != inA.ID {
		t.Fatalf("Create(team-b) = %v, %v; want the same ID as team-a's", inB, err)
	}
	if err := svcB.Attach(ctx, adminB, inB.ID, "b1", 0); err != nil {
		t.Fatal(err)
	}
	storedA, _ := storeA.Get(ctx, "team-a", inA.ID)
	storedB, _ := storeB.Get(ctx, "team-b", inB.ID)
	storedB.Headers[0].Sealed = storedA.Headers[0].Sealed
	storedB.Version++
	if err := storeB.Save(ctx, storedB, storedB.Version-1); err != nil {
		t.Fatal(err)
	}
	cards, err := svcB.Profile(ctx, adminB, &integration.ProfileRequest{InboxID: "b1", Contact: ada})
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 1 || cards[0].Status != integration.StatusError || cards[0].Error.Category != integration.CategoryConfiguration {
		t.Errorf("team-b card with team-a's sealed token = %s; want a configuration error", mustJSON(t, cards))
	}
	if up.calls() != 0 {
		t.Errorf("team-b sent %d requests, Authorization %q", up.calls(), up.last(t).Header.Get("Authorization"))
	}
}

// The zero AESGCM reports an error instead of panicking.
func TestZeroAESGCM(t *testing.T) {
	t.Parallel()
	var s integration.AESGCM
	if _, err := s.Seal(t.Context(), []byte("x"), nil); err == nil {
		t.Error("zero AESGCM Seal = nil error")
	}
	if _, err := s.Open(t.Context(), "v1.k.AAAA", nil); !errors.Is(err, integration.ErrSealed) {
		t.Errorf("zero AESGCM Open = %v, want ErrSealed", err)
	}
}

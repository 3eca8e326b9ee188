package integration

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/inboxkit/inboxkit/httpexec"
)

// Executor sends requests and caches responses; *httpexec.Executor implements it.
type Executor interface {
	// Do runs r (see httpexec.Executor.Do for the result contract). A profile load's request
	// carries stand-ins for its secret header values and a Credentials function that supplies
	// the real ones: Do must call it before it sends the request, send what it returns and
	// apply its Redact to the response body, as httpexec.Executor does. Do must not modify r,
	// nor keep it after it returns (httpexec.Executor does neither): profile requests share
	// their header maps.
	Do(ctx context.Context, r *httpexec.Request) (*httpexec.Response, error)
	// Invalidate drops every cached response of the integration.
	Invalidate(ctx context.Context, team, integration string) error
}

var _ Executor = (*httpexec.Executor)(nil)

// Options configures a Service. Store, Attachments, Inboxes and Executor are required.
type Options struct {
	// Store persists integrations.
	Store Store
	// Attachments persists inbox attachments.
	Attachments Attachments
	// Inboxes maps an inbox to its team.
	Inboxes Inboxes
	// Executor sends requests; usually an *httpexec.Executor shared by the process. An
	// *httpexec.Executor is given cached requests keyed by their Identity, built only when
	// sent (see the package doc's Decisions); any other Executor, such as a host's wrapper
	// around one, is given them expanded.
	Executor Executor
	// Sealer seals secret values at rest. If nil, integrations with secret headers or secrets
	// are refused with ErrNoSealer.
	Sealer Sealer
	// Logger receives warnings about failed cards and cache invalidation. Records identify the
	// call (team, inbox, integration, version, method, host, the URL template as written, the
	// upstream status, the category) and never carry a contact's values, a secret, a header
	// value or a body. If nil, nothing is logged.
	Logger *slog.Logger
	// Now is the clock. If nil, time.Now is used.
	Now func() time.Time
	// Location is the time zone dates render in, and the zone of now, for a load or test run
	// whose Team names none (Team.Location). If nil, UTC is used.
	Location *time.Location
	// NewID returns a new integration ID. If nil, 16 random bytes in hex are used.
	NewID func() string
	// MaxTestBodyBytes caps the response body a test run returns. If zero, 64 KiB is used.
	MaxTestBodyBytes int
	// CompiledEntries bounds the cache of compiled integrations (per ID and version). If zero,
	// 1024 is used.
	CompiledEntries int
	// MaxConcurrentCards bounds how many cards of one profile load run at the same time, so
	// an inbox with many attachments does not open as many upstream connections at once. If
	// zero, 16 is used.
	MaxConcurrentCards int
	// RenderedCards bounds the rendered cards kept for reuse by later profile loads of the same
	// contact while their cached responses stay the same (see the package doc). If zero, 1024
	// is used.
	RenderedCards int
	// Audit, if set, receives one record per [Service.RunAction] call, once the run has
	// ended or been refused (see [AuditEvent]), on the calling goroutine: it should hand the
	// record off rather than block.
	Audit AuditFunc
}

// Service is the integration feature: admin operations, test runs and profile loads. Create
// one with NewService; the zero value is not usable. A Service is safe for concurrent use by
// multiple goroutines; it starts no goroutine that outlives a call.
type Service struct {
	store       Store
	attachments Attachments
	inboxes     Inboxes
	exec        Executor
	sealer      Sealer
	log         *slog.Logger
	now         func() time.Time
	clock       bool // now is time.Now, the clock of httpexec's entries
	loc         *time.Location
	newID       func() string
	maxTestBody int
	maxCards    int
	compiled    *lru.Cache[compiledKey, *compiled]
	rendered    *lru.Cache[renderedKey, *renderedCard]
	audit       AuditFunc
	// keyed: the executor is an *httpexec.Executor, which keys a cached request by its
	// Identity and builds it only to send it (see cardCall.Build); requests for other
	// executors are built first.
	keyed  bool
	seed   maphash.Seed                             // of renderedKey.request
	loads  sync.Pool                                // of finished *load
	states sync.Pool                                // of *cardState not in use
	recent [recentCompiled]atomic.Pointer[compiled] // see compile
}

// recentCompiled is the number of slots in which a Service finds compiled forms by the address
// of the stored integration they were compiled from.
const recentCompiled = 64

type compiledKey struct {
	team, id string
	version  int64
}

// NewService returns a Service for opts.
func NewService(opts Options) (*Service, error) {
	switch {
	case opts.Store == nil:
		return nil, errors.New("integration: Options.Store is required")
	case opts.Attachments == nil:
		return nil, errors.New("integration: Options.Attachments is required")
	case opts.Inboxes == nil:
		return nil, errors.New("integration: Options.Inboxes is required")
	case opts.Executor == nil:
		return nil, errors.New("integration: Options.Executor is required")
	case opts.MaxTestBodyBytes < 0 || opts.CompiledEntries < 0 || opts.MaxConcurrentCards < 0 || opts.RenderedCards < 0:
		return nil, errors.New("integration: negative limit in Options")
	}
	s := &Service{
		store: opts.Store, attachments: opts.Attachments, inboxes: opts.Inboxes, exec: opts.Executor,
		sealer: opts.Sealer, log: opts.Logger, now: opts.Now, loc: opts.Location, newID: opts.NewID,
		maxTestBody: opts.MaxTestBodyBytes, maxCards: cmp.Or(opts.MaxConcurrentCards, 16), audit: opts.Audit,
		seed: maphash.MakeSeed(),
	}
	_, s.keyed = opts.Executor.(*httpexec.Executor)
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now, s.clock = time.Now, true
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.newID == nil {
		s.newID = randomID
	}
	if s.maxTestBody == 0 {
		s.maxTestBody = 64 << 10
	}
	n := opts.CompiledEntries
	if n == 0 {
		n = 1024
	}
	c, err := lru.New[compiledKey, *compiled](n)
	if err != nil {
		return nil, fmt.Errorf("integration: %v", err)
	}
	s.compiled = c
	if s.rendered, err = lru.New[renderedKey, *renderedCard](cmp.Or(opts.RenderedCards, 1024)); err != nil {
		return nil, fmt.Errorf("integration: %v", err)
	}
	return s, nil
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// compile returns the compiled form of a stored integration, cached per team, ID and version.
// A cached form is used only if it was compiled from the same configuration: a host whose
// store hands out a deleted integration's ID again (or another process that saved a different
// integration under the same ID and version) must not get the old URL, headers or display.
func (s *Service) compile(in *Integration) (*compiled, error) {
	// A store that hands out the same values load after load (SharedLister) finds their
	// compiled forms by address: an atomic load instead of the cache's lock and key hash
	// (BenchmarkProfileCached). A slot holds a compiled form besides the cache's bound.
	slot := &s.recent[maphash.Comparable(s.seed, in)%recentCompiled]
	if c := slot.Load(); c != nil && c.seen.Load() == in {
		return c, nil
	}
	k := compiledKey{in.TeamID, in.ID, in.Version}
	if c, ok := s.compiled.Get(k); ok && (c.seen.Load() == in || c.compiledFrom(in)) {
		if c.seen.Load() != in {
			// Nothing modifies a stored integration the Service was handed (a SharedLister's
			// are read-only, List's are the Service's own), so the same pointer holds the
			// same configuration; it stays reachable, so no other value takes its address.
			c.seen.Store(in)
		}
		slot.Store(c)
		return c, nil
	}
	c, err := compile(in)
	if err != nil {
		return nil, err
	}
	s.compiled.Add(k, c)
	return c, nil
}

// inboxOf returns the inbox id if it belongs to team, and ErrNotFound otherwise.
func (s *Service) inboxOf(ctx context.Context, team, id string) (Inbox, error) {
	ib, err := s.inboxes.Inbox(ctx, id)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return Inbox{}, fmt.Errorf("integration: inbox %q: %w", id, ErrNotFound)
		}
		return Inbox{}, fmt.Errorf("integration: inbox %q: %w", id, err)
	}
	if ib.TeamID == "" || ib.TeamID != team {
		return Inbox{}, fmt.Errorf("integration: inbox %q: %w", id, ErrNotFound)
	}
	return ib, nil
}

// get returns the stored integration id of team.
func (s *Service) get(ctx context.Context, team, id string) (*Integration, error) {
	in, err := s.store.Get(ctx, team, id)
	switch {
	case err != nil:
		return nil, fmt.Errorf("integration %q: %w", id, err)
	case in == nil:
		return nil, fmt.Errorf("integration %q: store returned nil and no error (%T)", id, s.store)
	case in.TeamID != team:
		return nil, fmt.Errorf("integration %q: %w", id, ErrNotFound)
	}
	return in, nil
}

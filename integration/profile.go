package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/template"
)

// ProfileRequest asks for the profile cards of a contact in an inbox.
type ProfileRequest struct {
	// InboxID is the inbox the contact is viewed in; it must belong to the actor's team.
	InboxID string
	// Contact is the contact whose profile is loaded.
	Contact Contact
	// Conversation is the conversation the profile is opened from, or nil.
	Conversation *Conversation
	// Agent is the agent viewing the profile: the agent.* variables. If nil, they are empty.
	Agent *Agent
	// Team is the acting team's name and time zone: team.name, team.time_zone, the zone of
	// now and the zone the cards' dates render in. If nil, team.name is empty and the zone is
	// Options.Location. team.id is the actor's TeamID.
	Team *Team
	// Refresh skips the cache read for every card; fresh responses are stored (the "Refresh
	// all" button). With IntegrationID set it refreshes one card. A card whose refresh fails
	// keeps the cached response it had, Stale, with the refresh's error.
	Refresh bool
	// IntegrationID, when set, loads only that integration's card (which must be attached and
	// enabled in the inbox, and active).
	IntegrationID string
}

// Profile loads the profile cards of r.Contact in the inbox r.InboxID: every active integration
// attached and enabled there runs concurrently (at most Options.MaxConcurrentCards at a time),
// each under its own timeout and all under ctx. (Cards that are done within microseconds, as
// cached ones are, run one after the other on the calling goroutine; the others start on
// goroutines of their own when the load takes longer: see the package doc.) The cards come
// back in attachment order; one card's failure is reported in that card and never hides the
// others. Profile itself fails only when the inbox is unknown or of another team
// (ErrNotFound), when the host's stores fail, or when r.IntegrationID names no runnable card
// (ErrNotFound).
func (s *Service) Profile(ctx context.Context, actor Actor, r *ProfileRequest) ([]Card, error) {
	if r == nil {
		return nil, errors.New("integration: nil ProfileRequest")
	}
	l := s.takeLoad()
	ib, jobs, err := s.profileJobs(ctx, actor, r, l.jobsArr[:0])
	if err != nil {
		s.releaseLoad(l)
		return nil, err
	}
	l.ctx, l.ib, l.jobs, l.r, l.cards = ctx, ib, jobs, r, make([]Card, len(jobs))
	cards := l.cards
	// The calling goroutine runs the cards in order. When their responses are cached it is
	// done in microseconds, sooner than goroutines would start (BenchmarkProfileCached: four
	// goroutines cost a quarter of a cached load of five cards). A card that waits on its
	// upstream must not hold the others back, though: when the cards are not done after
	// spawnAfter, a timer starts the other workers (at most maxCards in all), which take the
	// cards not started yet.
	switch {
	case len(jobs) == 0:
	case len(jobs) == 1 || s.maxCards == 1:
		l.work(&l.cs)
	default:
		l.wg.Add(1) // the timer's
		l.timer.Reset(spawnAfter)
		l.work(&l.cs)
		if l.timer.Stop() {
			l.wg.Done() // the timer never ran
		}
		// After the wait a timer that ran is done with l too: spawn's last act is its
		// count's Done. Only then may the next load take l.
		l.wg.Wait()
	}
	s.releaseLoad(l)
	return cards, nil
}

// spawnAfter is how long the calling goroutine of a profile load runs its cards alone before
// other workers start: several cached cards' time, and nothing next to an upstream call.
const spawnAfter = 250 * time.Microsecond

// load is one profile load's cards and the state of its workers. A Service keeps finished
// loads for the next ones (takeLoad), with their timer and the calling goroutine's card state:
// resetting a timer costs a third of creating one, and a chained card's state is a few KB
// (BenchmarkProfileCached: no allocation but the cards and httpexec's responses).
// TestProfileConcurrentLoadsSpawn checks that concurrent loads never share one.
type load struct {
	s       *Service
	ctx     context.Context
	ib      Inbox
	jobs    []*Integration
	r       *ProfileRequest
	cards   []Card
	wg      sync.WaitGroup
	next    atomic.Int64 // the next card to start
	timer   *time.Timer  // starts the other workers (spawn) when reset
	cs      cardState    // the calling goroutine's
	jobsArr [8]*Integration
}

// takeLoad returns a load whose timer is stopped.
func (s *Service) takeLoad() *load {
	if l, ok := s.loads.Get().(*load); ok {
		return l
	}
	l := &load{s: s}
	l.timer = time.AfterFunc(time.Hour, l.spawn)
	l.timer.Stop()
	return l
}

// releaseLoad keeps l for the next load, without the references of this one's request (its
// card state keeps values until a card overwrites them; see cardState).
func (s *Service) releaseLoad(l *load) {
	clear(l.jobsArr[:])
	l.ctx, l.ib, l.jobs, l.r, l.cards = nil, Inbox{}, nil, nil, nil
	l.next.Store(0)
	s.loads.Put(l)
}

// work runs cards until every card has started, with cs as their state, or (nil) one it
// takes from the Service's and gives back.
func (l *load) work(cs *cardState) {
	var t time.Time // the end of a card is the start of the next: one clock read per card
	taken := false
	for i := int(l.next.Add(1) - 1); i < len(l.jobs); i = int(l.next.Add(1) - 1) {
		if cs == nil {
			cs, taken = l.s.cardState(), true // one per worker, for all its cards
		}
		t = l.s.cardFrom(l.ctx, &l.ib, l.jobs[i], l.r, &l.cards[i], t, cs)
	}
	if taken {
		l.s.states.Put(cs)
	}
}

// spawn starts the workers besides the calling goroutine, as many as cards are left to start
// (within maxCards); every worker returns when the cards run out, and a card returns when its
// request does (its timeout, or ctx). It runs on the timer's goroutine, once, holding one count
// of l.wg.
func (l *load) spawn() {
	defer l.wg.Done()
	left := len(l.jobs) - int(l.next.Load())
	for range min(left, l.s.maxCards-1) {
		l.wg.Go(func() { l.work(nil) })
	}
}

// card runs one integration for r and fills out.
func (s *Service) card(ctx context.Context, ib *Inbox, in *Integration, r *ProfileRequest, out *Card) {
	cs := s.cardState()
	s.cardFrom(ctx, ib, in, r, out, time.Time{}, cs)
	s.states.Put(cs)
}

// cardState is what running a card needs besides its output: its variables, its request and,
// for a chained card, the steps' run. A worker of a profile load uses one for all its cards,
// and the Service keeps them for the next loads (BenchmarkProfileCached: no allocation; of a
// chained card's load, BenchmarkProfileCachedSteps, a third of a step's time went to
// allocating its run). Nothing keeps a state once its card returns, so the next card may
// overwrite it: the executor keeps no request and calls its Builder before Do returns, a
// Credentials function works on copies, and what a card returns is built afresh (its output,
// its raw body) or shared read-only from the Service's caches (a kept output, the buttons).
// Every field a card reads it sets first.
type cardState struct {
	v     vars
	call  cardCall
	chain chainRun
}

// cardState returns a card state for a worker.
func (s *Service) cardState() *cardState {
	if cs, ok := s.states.Get().(*cardState); ok {
		return cs
	}
	return new(cardState)
}

// cardFrom is card starting at start (zero: now), with cs as its state; it returns when the
// card ended, on the Service's clock.
func (s *Service) cardFrom(ctx context.Context, ib *Inbox, in *Integration, r *ProfileRequest, out *Card, start time.Time, cs *cardState) (end time.Time) {
	if start.IsZero() {
		start = s.now()
	}
	*out = Card{IntegrationID: in.ID, Name: in.Name}
	defer func() {
		// A panic in host code (Executor, Sealer) or a renderer fails this card, not the
		// process: the card runs on its own goroutine, where nothing else would recover it.
		if v := recover(); v != nil {
			*out = Card{IntegrationID: in.ID, Name: in.Name, Status: StatusError, Error: cardError(errPanic)}
			s.log.LogAttrs(ctx, slog.LevelError, "integration: card panicked", append(callAttrs(in, ib.ID),
				slog.String("panic", fmt.Sprintf("%T", v)), slog.String("stack", string(debug.Stack())))...)
		}
		if s.clock {
			// start came from time.Now, or is an earlier card's end: it has a monotonic
			// reading, so time.Since reads only the monotonic clock where time.Now reads the
			// wall clock too (BenchmarkProfileCached). The end is on the wall clock all the same.
			out.Duration = time.Since(start)
			end = start.Add(out.Duration)
		} else {
			end = s.now()
			out.Duration = end.Sub(start)
		}
	}()

	fail := func(err error) {
		out.Status, out.Error = StatusError, cardError(err)
		s.log.LogAttrs(ctx, slog.LevelWarn, "integration: card failed",
			append(callAttrs(in, ib.ID), errorAttrs(out.Error.Category, err)...)...)
	}
	c, err := s.compile(in)
	if err != nil {
		fail(&configError{err})
		return
	}
	// requestIn sets what it uses of cs.call.
	cs.v = makeVars(&r.Contact, r.Conversation, ib, r.Agent, r.Team, ib.TeamID, start, s.loc)
	v := &cs.v
	if ok, err := c.holds(v); err != nil {
		fail(&requestError{err})
		return
	} else if !ok {
		out.Status, out.Reason = StatusNotApplicable, ReasonCondition
		return
	}
	if m := c.missing(v); len(m) > 0 {
		out.Status, out.Reason, out.Missing = StatusNotApplicable, ReasonMissingVariables, m
		return
	}
	req, err := s.requestIn(in, c, v, &cs.call)
	if err != nil {
		fail(err)
		return
	}
	req.Refresh = r.Refresh
	resp, err := s.exec.Do(ctx, req)
	if resp == nil || (err != nil && !resp.Stale) {
		if err == nil {
			err = fmt.Errorf("integration: executor returned no response and no error (%T)", s.exec)
		}
		fail(err)
		return
	}
	out.FromCache, out.Stale = resp.FromCache, resp.Stale
	switch {
	case resp.FromCache && s.clock:
		out.FetchedAt = resp.StoredAt // the executor's clock is the Service's: no clock read
	case resp.FromCache:
		// The executor's clock stamped the entry; the card states its age on the Service's
		// clock (Options.Now), as everything else it shows.
		out.FetchedAt = s.now().Add(-time.Since(resp.StoredAt))
	default:
		out.FetchedAt = s.now()
	}
	if err != nil { // a stale response served because the upstream failed
		fail(err)
	}
	// The body is scrubbed of echoed secrets before the executor stores it (see request).
	var rerr error
	if len(c.steps) > 0 {
		if err != nil {
			out.Error.Step = c.stepName
		}
		sb, steps, err := s.runChain(ctx, in, c, v, r.Refresh, resp, s.kept(in, &r.Contact, req, v.loc), out, &cs.chain)
		if err != nil {
			fail(err)
			return
		}
		if sb == nil { // a step lacks a value: out says why
			return
		}
		rerr = s.renderReused(c, in, &r.Contact, req, resp, steps, sb, start, v.loc, out)
	} else {
		rerr = s.renderReused(c, in, &r.Contact, req, resp, nil, nil, start, v.loc, out)
	}
	if rerr != nil {
		fail(rerr)
		return
	}
	out.Status = StatusOK
	// The buttons are shared read-only: no allocation per card.
	out.Actions = c.buttons
	return // end is set by the deferred function
}

// request returns the request of a profile load of in for v. Its secret values are stand-ins
// (see standIns), so the cache key never holds a secret and a cache hit needs none; the
// executor asks for the clear values through Credentials only when it sends the request, and
// redacts their echoes from the response body before it stores it.
func (s *Service) request(in *Integration, c *compiled, v *vars) (*httpexec.Request, error) {
	return s.requestIn(in, c, v, nil)
}

// requestIn is request, built in dst when it is not nil: one allocation per card for the
// variables, the stand-ins and the request (BenchmarkProfileCached). v is unchanged when it
// returns.
func (s *Service) requestIn(in *Integration, c *compiled, v *vars, dst *cardCall) (*httpexec.Request, error) {
	if dst == nil {
		dst = new(cardCall)
	}
	secrets := hasSecrets(in)
	if s.keyed {
		// Keyed by its identity, built only to be sent (cardCall.Build).
		dst.in, dst.c, dst.v = in, c, v
		keep := v.secrets
		if secrets {
			dst.st = standIns{in, c}
			v.secrets = &dst.st
		}
		id, err := c.appendIdentity(dst.id[:0], v)
		v.secrets = keep
		if err != nil {
			return nil, err
		}
		dst.req = httpexec.Request{
			Method:      in.EffectiveMethod(),
			URLTemplate: in.URL,
			CacheTTL:    in.CacheTTL(),
			Scope:       httpexec.Scope{Team: in.TeamID, Integration: in.ID, Version: in.Version},
			Timeout:     in.Timeout,
			Identity:    id,
			Build:       dst, // and the Credentials, only to send it
		}
		dst.s = s
		return &dst.req, nil
	}
	if !secrets {
		if err := c.buildInto(&dst.req, in, v, true); err != nil {
			return nil, err
		}
		return &dst.req, nil
	}
	// v's secrets are the stand-ins while the request is built, and none again afterwards.
	dst.st = standIns{in, c}
	keep := v.secrets
	v.secrets = &dst.st
	req := &dst.req
	err := c.buildInto(req, in, v, true)
	v.secrets = keep
	if err != nil {
		return nil, err
	}
	if len(req.SecretHeaders) > 0 {
		req.Credentials = s.credentials(in, c, v)
	}
	return req, nil
}

// credentials returns the Credentials function of a request of c for v: it opens in's secrets
// and supplies the secret headers' values in clear, when the request is sent. It works on
// copies of in, v and v's step bodies, which their owners reuse (a step's integration, a
// card state) while an execution the caller left may still call it.
func (s *Service) credentials(in *Integration, c *compiled, v *vars) func(ctx context.Context) (*httpexec.Credentials, error) {
	run := &struct {
		in Integration
		v  vars
		sb stepBodies
	}{in: *in, v: *v}
	if v.steps != nil {
		run.sb = stepBodies{names: slices.Clone(v.steps.names), bodies: slices.Clone(v.steps.bodies)}
		run.v.steps = &run.sb
	}
	return func(ctx context.Context) (*httpexec.Credentials, error) {
		in := &run.in
		o, err := s.open(ctx, in, c)
		if err != nil {
			return nil, err
		}
		clear := run.v
		if o != nil {
			clear.secrets = o
		}
		sent, err := c.build(in, &clear)
		if err != nil {
			return nil, err
		}
		h := make(http.Header, len(sent.SecretHeaders))
		for _, name := range sent.SecretHeaders {
			k := http.CanonicalHeaderKey(name)
			h[k] = sent.Header[k]
		}
		scrubbed := sentSecrets(o, sent)
		return &httpexec.Credentials{Header: h, Redact: func(b []byte) []byte { return scrubBytes(b, scrubbed) }}, nil
	}
}

// render fills out.Output (display on) or out.Raw (display off) from body, with dates in loc.
func (s *Service) render(c *compiled, body []byte, now time.Time, loc *time.Location, out *Card) error {
	if c.display == nil {
		if !json.Valid(body) {
			return template.ErrInvalidJSON
		}
		// A copy: body may be the executor's cached entry, shared with every later load, and
		// the host owns what Profile returns.
		out.Raw = json.RawMessage(bytes.Clone(body))
		return nil
	}
	o, err := c.display.Render(body, &template.RenderOptions{Now: now, Location: loc})
	if err != nil {
		if errors.Is(err, template.ErrInvalidJSON) || errors.Is(err, template.ErrTooLarge) || errors.Is(err, template.ErrTooDeep) {
			return err
		}
		return fmt.Errorf("%w: %v", errRender, err)
	}
	out.Output = o
	return nil
}

// errPanic is the error of a card whose run panicked.
var errPanic = errors.New("integration: card panicked")

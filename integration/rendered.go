package integration

import (
	"hash/maphash"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/template"
)

// A profile load of a contact whose responses are all cached would spend nearly all its time
// rendering the same bodies with the same templates again. The Service keeps the rendered
// output of a card served from a fresh cache entry in a bounded LRU (Options.RenderedCards),
// and reuses it while nothing it depends on has changed:
//
//   - the key holds the team, the contact's ID, the integration's ID and version, the request
//     URL and the name of the time zone the card renders in, so an output is never offered to
//     another team, another contact or another zone;
//   - an output is reused only for a response the executor has just served as a fresh cache
//     hit, with the StoredAt and the body the output was rendered from (compared without a
//     copy, in constant time for the same cached array): it never outlives the response
//     entry, and a refresh, an invalidation or a new version renders again;
//   - the compiled template must be the same one, and templates that show relative times
//     (template.Template.UsesNow) are rendered on every load, since their output depends on
//     the clock;
//   - the zone must be the same *time.Location, or one of the same non-empty name (a host that
//     loads the team's zone per request, as package httpapi does, still reuses its cards);
//   - a chained card (Integration.Steps) is reused only when every step that ran was a fresh
//     cache hit with the StoredAt and body its output was rendered from, the same steps ran
//     (a step skipped for a missing value changes the document), and it is rendered again
//     otherwise; the key is its first request's;
//   - only cards of responses up to 64 KiB each are kept, which bounds the LRU's memory;
//   - the output is shared, not copied: every load of the card gets the same *template.Output,
//     which is read-only (see Card.Output). Copying it for each caller cost a quarter of a
//     cached load and six allocations per card (BenchmarkProfileCached, P11).
//
// BenchmarkProfileCached measures what this saves.

// maxReusedBody bounds the responses whose rendered cards are kept, and so (with
// Options.RenderedCards) the memory the kept cards hold: profile responses are a few KB.
const maxReusedBody = 64 << 10

// renderedKey identifies the rendered card of one contact's request.
type renderedKey struct {
	team, integration, contact, zone string
	version                          int64
	// request tells apart the cards of one contact's requests (a URL naming the conversation):
	// a hash of the request's Identity, or of its URL when it has none. A collision costs a
	// render, never a wrong card: a kept card is served only for the response it was rendered
	// from (renderedFrom).
	request uint64
}

// renderedCard is a rendered output and what it was rendered from.
type renderedCard struct {
	display  *template.Template
	loc      *time.Location
	body     httpexec.Body // a view of the cached entry's body: no copy
	storedAt time.Time
	steps    []renderedStep   // the later steps of a chained card, in order
	out      *template.Output // shared read-only with every card it is served in
}

// renderedStep is the response of a later step a chained card was rendered from.
type renderedStep struct {
	body     httpexec.Body
	storedAt time.Time
}

// reusable reports whether resp may have its rendered card kept and reused: a fresh cache hit
// small enough to keep.
func reusable(resp *httpexec.Response) bool {
	return resp.FromCache && !resp.Stale && resp.Body.Len() <= maxReusedBody
}

// renderedFrom reports whether e (which may be nil) was rendered from resp as the response
// of step i of its card, 0 being the integration's own request.
func (e *renderedCard) renderedFrom(i int, resp *httpexec.Response) bool {
	switch {
	case e == nil:
		return false
	case i == 0:
		return e.storedAt.Equal(resp.StoredAt) && e.body.Equal(resp.Body)
	case i <= len(e.steps):
		return e.steps[i-1].storedAt.Equal(resp.StoredAt) && e.steps[i-1].body.Equal(resp.Body)
	}
	return false
}

// kept returns the rendered card kept for the key of a load of in for contact ct with the
// request req in the zone loc, without marking it used, or nil.
func (s *Service) kept(in *Integration, ct *Contact, req *httpexec.Request, loc *time.Location) *renderedCard {
	if ct.ID == "" {
		return nil
	}
	e, _ := s.rendered.Peek(s.renderedKeyOf(in, ct, req, loc))
	return e
}

// renderedKeyOf returns the key of the rendered card of a load of in for ct.
func (s *Service) renderedKeyOf(in *Integration, ct *Contact, req *httpexec.Request, loc *time.Location) renderedKey {
	k := renderedKey{team: in.TeamID, integration: in.ID, contact: ct.ID, zone: loc.String(), version: in.Version}
	if req.Identity != nil {
		k.request = maphash.Bytes(s.seed, req.Identity)
	} else {
		k.request = maphash.String(s.seed, req.URL)
	}
	return k
}

// sameSteps reports whether the later steps' responses are those e was rendered from.
func (e *renderedCard) sameSteps(steps []*httpexec.Response) bool {
	if len(e.steps) != len(steps) {
		return false
	}
	for i, r := range steps {
		if !e.renderedFrom(i+1, r) {
			return false
		}
	}
	return true
}

// sameZone reports whether outputs rendered in a may be served for b: the same Location, or
// two of the same non-empty name (IANA names identify their rules).
func sameZone(a, b *time.Location) bool {
	return a == b || a.String() == b.String() && a.String() != ""
}

// renderReused fills out like render, reusing the output of an earlier load of the same
// responses when it can (see above). steps are the responses of a chained card's later steps
// and sb the bodies of all its steps (nil for a card of one request): the document rendered is
// then built from sb, and only when the card is rendered.
func (s *Service) renderReused(c *compiled, in *Integration, ct *Contact, req *httpexec.Request, resp *httpexec.Response, steps []*httpexec.Response, sb *stepBodies, now time.Time, loc *time.Location, out *Card) error {
	body := func() []byte {
		if sb != nil {
			return stepsDocument(sb)
		}
		return resp.Body.Bytes()
	}
	keep := c.display != nil && ct.ID != "" && !c.display.UsesNow() && reusable(resp)
	for _, r := range steps {
		keep = keep && reusable(r)
	}
	if !keep {
		return s.render(c, body(), now, loc, out)
	}
	k := s.renderedKeyOf(in, ct, req, loc)
	if e, ok := s.rendered.Get(k); ok {
		if e.display == c.display && sameZone(e.loc, loc) && e.renderedFrom(0, resp) && e.sameSteps(steps) {
			out.Output = e.out
			return nil
		}
		s.rendered.Remove(k)
	}
	if err := s.render(c, body(), now, loc, out); err != nil {
		return err
	}
	// Kept only while every response is still fresh on the executor's clock.
	wall := time.Now()
	fresh := wall.Before(resp.StoredAt.Add(req.CacheTTL))
	var rs []renderedStep
	if len(steps) > 0 {
		rs = make([]renderedStep, len(steps))
		for i, r := range steps {
			rs[i] = renderedStep{body: r.Body, storedAt: r.StoredAt}
			fresh = fresh && wall.Before(r.StoredAt.Add(req.CacheTTL))
		}
	}
	if fresh {
		s.rendered.Add(k, &renderedCard{display: c.display, loc: loc, body: resp.Body, storedAt: resp.StoredAt, steps: rs, out: out.Output})
	}
	return nil
}

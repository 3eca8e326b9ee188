package integration

import (
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
//   - only cards of responses up to 64 KiB are kept, which bounds the LRU's memory;
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
	team, integration, contact, url, zone string
	version                               int64
}

// renderedCard is a rendered output and what it was rendered from.
type renderedCard struct {
	display  *template.Template
	loc      *time.Location
	body     httpexec.Body // a view of the cached entry's body: no copy
	storedAt time.Time
	out      *template.Output // shared read-only with every card it is served in
}

// sameZone reports whether outputs rendered in a may be served for b: the same Location, or
// two of the same non-empty name (IANA names identify their rules).
func sameZone(a, b *time.Location) bool {
	return a == b || a.String() == b.String() && a.String() != ""
}

// renderReused fills out like render, reusing the output of an earlier load of the same
// response when it can (see above).
func (s *Service) renderReused(c *compiled, in *Integration, ct *Contact, req *httpexec.Request, resp *httpexec.Response, now time.Time, loc *time.Location, out *Card) error {
	if c.display == nil || !resp.FromCache || resp.Stale || ct.ID == "" || c.display.UsesNow() || resp.Body.Len() > maxReusedBody {
		return s.render(c, resp.Body.Bytes(), now, loc, out)
	}
	k := renderedKey{team: in.TeamID, integration: in.ID, contact: ct.ID, url: req.URL, zone: loc.String(), version: in.Version}
	if e, ok := s.rendered.Get(k); ok {
		if e.display == c.display && sameZone(e.loc, loc) && e.storedAt.Equal(resp.StoredAt) && e.body.Equal(resp.Body) {
			out.Output = e.out
			return nil
		}
		s.rendered.Remove(k)
	}
	if err := s.render(c, resp.Body.Bytes(), now, loc, out); err != nil {
		return err
	}
	if time.Now().Before(resp.StoredAt.Add(req.CacheTTL)) { // still fresh on the executor's clock
		s.rendered.Add(k, &renderedCard{display: c.display, loc: loc, body: resp.Body, storedAt: resp.StoredAt, out: out.Output})
	}
	return nil
}

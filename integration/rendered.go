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
//   - the key holds the team, the contact's ID, the integration's ID and version and the
//     request URL, so an output is never offered to another team or another contact;
//   - an output is reused only for a response the executor has just served as a fresh cache
//     hit, with the StoredAt and the body the output was rendered from (compared without a
//     copy, in constant time for the same cached array): it never outlives the response
//     entry, and a refresh, an invalidation or a new version renders again;
//   - the compiled template must be the same one, and templates that show relative times
//     (template.Template.UsesNow) are rendered on every load, since their output depends on
//     the clock; the other render option, the time zone, is fixed per Service;
//   - only cards of responses up to 64 KiB are kept, which bounds the LRU's memory;
//   - every caller gets its own copy (template.Output.Clone), so no caller can change what
//     another one reads.
//
// BenchmarkProfileCached measures what this saves.

// maxReusedBody bounds the responses whose rendered cards are kept, and so (with
// Options.RenderedCards) the memory the kept cards hold: profile responses are a few KB.
const maxReusedBody = 64 << 10

// renderedKey identifies the rendered card of one contact's request.
type renderedKey struct {
	team, integration, contact, url string
	version                         int64
}

// renderedCard is a rendered output and what it was rendered from.
type renderedCard struct {
	display  *template.Template
	body     httpexec.Body // a view of the cached entry's body: no copy
	storedAt time.Time
	out      *template.Output
}

// renderReused fills out like render, reusing the output of an earlier load of the same
// response when it can (see above).
func (s *Service) renderReused(c *compiled, in *Integration, ct *Contact, req *httpexec.Request, resp *httpexec.Response, now time.Time, out *Card) error {
	if c.display == nil || !resp.FromCache || resp.Stale || ct.ID == "" || c.display.UsesNow() || resp.Body.Len() > maxReusedBody {
		return s.render(c, resp.Body.Bytes(), now, out)
	}
	k := renderedKey{team: in.TeamID, integration: in.ID, contact: ct.ID, url: req.URL, version: in.Version}
	if e, ok := s.rendered.Get(k); ok {
		if e.display == c.display && e.storedAt.Equal(resp.StoredAt) && e.body.Equal(resp.Body) {
			out.Output = e.out.Clone()
			return nil
		}
		s.rendered.Remove(k)
	}
	if err := s.render(c, resp.Body.Bytes(), now, out); err != nil {
		return err
	}
	if time.Now().Before(resp.StoredAt.Add(req.CacheTTL)) { // still fresh on the executor's clock
		s.rendered.Add(k, &renderedCard{display: c.display, body: resp.Body, storedAt: resp.StoredAt, out: out.Output})
		out.Output = out.Output.Clone()
	}
	return nil
}

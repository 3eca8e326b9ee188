package integration

import (
	"context"
	"errors"
	"fmt"

	"github.com/inboxkit/inboxkit/httpexec"
)

// InvalidateCache drops every cached response of the integration id of the actor's team, so
// that the next profile load of each contact calls the upstream. Only admins drop caches
// ([ErrForbidden]); an integration of another team is [ErrNotFound]. The error of the
// Executor's Invalidate is returned.
func (s *Service) InvalidateCache(ctx context.Context, actor Actor, id string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	if _, err := s.get(ctx, actor.TeamID, id); err != nil {
		return err
	}
	if err := s.exec.Invalidate(ctx, actor.TeamID, id); err != nil {
		return fmt.Errorf("integration %q: invalidate cache: %w", id, err)
	}
	return nil
}

// forgetter is an [Executor] that can drop one request's cached response;
// *httpexec.Executor is one.
type forgetter interface {
	Forget(ctx context.Context, r *httpexec.Request) error
}

// InvalidateContact drops the cached responses of r.Contact's cards in the inbox r.InboxID
// (of r.IntegrationID's card only, when set), fresh or stale, so that the contact's next
// profile load calls the upstreams; other contacts' responses stay. Any member of the team
// may drop them, as any member may refresh. It builds each card's request as a load would
// (without opening the integration's secrets) and sends nothing; cards not applicable to the
// contact have nothing cached. It fails as Profile does before any card runs, and with an
// error wrapping errors.ErrUnsupported when the Executor cannot drop one response.
func (s *Service) InvalidateContact(ctx context.Context, actor Actor, r *ProfileRequest) error {
	if r == nil {
		return errors.New("integration: nil ProfileRequest")
	}
	f, ok := s.exec.(forgetter)
	if !ok {
		return fmt.Errorf("integration: executor %T cannot drop one response: %w", s.exec, errors.ErrUnsupported)
	}
	ib, jobs, err := s.profileJobs(ctx, actor, r, nil)
	if err != nil {
		return err
	}
	for _, in := range jobs {
		c, err := s.compile(in)
		if err != nil {
			continue // a card that cannot compile never stored a response
		}
		v := &vars{contact: &r.Contact, conv: r.Conversation, inbox: &ib}
		if len(c.missing(v)) > 0 {
			continue
		}
		req, err := s.request(in, c, v) // as a load keys it: secrets by their stand-ins, none opened
		if err != nil {
			continue // the contact's values do not fit the request: nothing was sent or stored
		}
		if err := f.Forget(ctx, req); err != nil {
			return fmt.Errorf("integration %q: invalidate contact: %w", in.ID, err)
		}
	}
	return nil
}

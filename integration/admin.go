package integration

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
)

var errNilIntegration = errors.New("integration: nil Integration")

// requireAdmin returns ErrNotFound for an actor without a team and ErrForbidden for one
// who is not an admin of it.
func requireAdmin(a Actor) error {
	if a.TeamID == "" {
		return ErrNotFound
	}
	if !a.isAdmin() {
		return ErrForbidden
	}
	return nil
}

// Create validates in and stores it as a new integration of the actor's team, with a new ID
// from [Options].NewID (in.ID is ignored: a caller-chosen ID would tell an admin whether
// another team's integration has that ID), Version 1 and the creation time; secret values are
// sealed. in is not modified. It returns the stored integration with secret values [Redacted],
// a *ValidationError listing every problem, ErrForbidden for a non-admin, or ErrNotFound when
// in.TeamID names another team.
func (s *Service) Create(ctx context.Context, actor Actor, in *Integration) (*Integration, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if in == nil {
		return nil, errNilIntegration
	}
	if in.TeamID != "" && in.TeamID != actor.TeamID {
		return nil, fmt.Errorf("integration: team %q: %w", in.TeamID, ErrNotFound)
	}
	c := in.Clone()
	c.TeamID, c.ID = actor.TeamID, s.newID()
	keepSecrets(nil, c)
	if _, err := compile(c); err != nil {
		return nil, err
	}
	if err := s.seal(ctx, c); err != nil {
		return nil, err
	}
	now := s.now()
	c.Version, c.CreatedAt, c.UpdatedAt = 1, now, now
	if err := s.store.Save(ctx, c, 0); err != nil {
		return nil, fmt.Errorf("integration %q: create: %w", c.ID, err)
	}
	return c.view(), nil
}

// Update validates in and replaces the stored integration in.ID of the actor's team with it.
// in.Version must be the stored version (the one the admin edited), otherwise Update returns
// an error wrapping ErrConflict; the new version is one more. A secret header or secret whose
// value is empty or [Redacted] keeps its stored value. The integration's cached responses are
// invalidated. TeamID and CreatedAt cannot change. in is not modified.
func (s *Service) Update(ctx context.Context, actor Actor, in *Integration) (*Integration, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if in == nil {
		return nil, errNilIntegration
	}
	prev, err := s.get(ctx, actor.TeamID, in.ID)
	if err != nil {
		return nil, err
	}
	if in.Version != prev.Version {
		return nil, fmt.Errorf("integration %q: edited version %d, stored version %d: %w", in.ID, in.Version, prev.Version, ErrConflict)
	}
	c := in.Clone()
	c.TeamID, c.CreatedAt = prev.TeamID, prev.CreatedAt
	if _, err := compileEdit(c, keepSecrets(prev, c)); err != nil {
		return nil, err
	}
	if err := s.seal(ctx, c); err != nil {
		return nil, err
	}
	c.Version, c.UpdatedAt = prev.Version+1, s.now()
	if err := s.store.Save(ctx, c, prev.Version); err != nil {
		return nil, fmt.Errorf("integration %q: update: %w", c.ID, err)
	}
	s.invalidate(ctx, c.TeamID, c.ID)
	return c.view(), nil
}

// Delete removes the integration id of the actor's team (and, through the store, its
// attachments) and invalidates its cached responses.
func (s *Service) Delete(ctx context.Context, actor Actor, id string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	// The Service checks the team itself, as for every other operation, rather than trust the
	// host's store with it.
	if _, err := s.get(ctx, actor.TeamID, id); err != nil {
		return err
	}
	if err := s.store.Delete(ctx, actor.TeamID, id); err != nil {
		return fmt.Errorf("integration %q: delete: %w", id, err)
	}
	s.invalidate(ctx, actor.TeamID, id)
	return nil
}

// invalidate drops the integration's cached responses. A failure is logged, not returned: the
// edit is saved, and its new version already keeps old cache entries from being served.
func (s *Service) invalidate(ctx context.Context, team, id string) {
	if err := s.exec.Invalidate(ctx, team, id); err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "integration: cache invalidation failed",
			slog.String("team", team), slog.String("integration", id), slog.String("error", err.Error()))
	}
}

// Get returns the integration id of the actor's team, secret values [Redacted] and without
// sealed forms (as every integration the Service returns). Any member of the team may read it.
func (s *Service) Get(ctx context.Context, actor Actor, id string) (*Integration, error) {
	if actor.TeamID == "" {
		return nil, ErrNotFound
	}
	in, err := s.get(ctx, actor.TeamID, id)
	if err != nil {
		return nil, err
	}
	return in.view(), nil
}

// ListForTeam returns the integrations of the actor's team ordered by ID, secret values
// [Redacted]. Any member of the team may list them.
func (s *Service) ListForTeam(ctx context.Context, actor Actor) ([]*Integration, error) {
	if actor.TeamID == "" {
		return nil, ErrNotFound
	}
	list, err := s.store.List(ctx, actor.TeamID)
	if err != nil {
		return nil, fmt.Errorf("integration: list team: %w", err)
	}
	out := make([]*Integration, 0, len(list))
	for _, in := range list {
		if in != nil && in.TeamID == actor.TeamID {
			out = append(out, in.view())
		}
	}
	return out, nil
}

// Attached is an integration attached to an inbox.
type Attached struct {
	Attachment  Attachment   `json:"attachment"`
	Integration *Integration `json:"integration"`
}

// ListForInbox returns the integrations attached to the inbox inboxID of the actor's team, in
// card order, enabled or not, secret values [Redacted].
func (s *Service) ListForInbox(ctx context.Context, actor Actor, inboxID string) ([]Attached, error) {
	ib, err := s.inboxOf(ctx, actor.TeamID, inboxID)
	if err != nil {
		return nil, err
	}
	atts, byID, err := s.attached(ctx, ib)
	if err != nil {
		return nil, err
	}
	out := make([]Attached, 0, len(atts))
	for _, a := range atts {
		if in := byID.find(a.IntegrationID); in != nil {
			out = append(out, Attached{Attachment: a, Integration: in.view()})
		}
	}
	return out, nil
}

// attached returns the attachments of ib and the team's integrations.
func (s *Service) attached(ctx context.Context, ib Inbox) ([]Attachment, teamList, error) {
	atts, err := s.attachments.ListAttachments(ctx, ib.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("integration: list attachments of inbox %q: %w", ib.ID, err)
	}
	if len(atts) == 0 {
		return nil, nil, nil
	}
	// Cards come in position order whatever order the host's store returns.
	if byPosition := func(a, b Attachment) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.IntegrationID, b.IntegrationID))
	}; !slices.IsSortedFunc(atts, byPosition) {
		atts = slices.Clone(atts)
		slices.SortStableFunc(atts, byPosition)
	}
	list, err := s.listTeam(ctx, ib.TeamID)
	if err != nil {
		return nil, nil, fmt.Errorf("integration: list team: %w", err)
	}
	return atts, list, nil
}

// Attach attaches the integration integrationID to the inbox inboxID at position (cards are
// ordered by position), enabled. Both must belong to the actor's team. Attaching again updates
// the position and enables the attachment.
func (s *Service) Attach(ctx context.Context, actor Actor, integrationID, inboxID string, position int) error {
	if err := s.checkPair(ctx, actor, integrationID, inboxID); err != nil {
		return err
	}
	a := Attachment{IntegrationID: integrationID, InboxID: inboxID, Enabled: true, Position: position}
	if err := s.attachments.PutAttachment(ctx, a); err != nil {
		return fmt.Errorf("integration %q: attach to %q: %w", integrationID, inboxID, err)
	}
	return nil
}

// Detach removes the attachment of integrationID to inboxID.
func (s *Service) Detach(ctx context.Context, actor Actor, integrationID, inboxID string) error {
	if err := s.checkPair(ctx, actor, integrationID, inboxID); err != nil {
		return err
	}
	if err := s.attachments.DeleteAttachment(ctx, integrationID, inboxID); err != nil {
		return fmt.Errorf("integration %q: detach from %q: %w", integrationID, inboxID, err)
	}
	return nil
}

// SetEnabled enables or disables the attached integration integrationID in the inbox inboxID
// without detaching it. It returns ErrNotFound when the integration is not attached there.
func (s *Service) SetEnabled(ctx context.Context, actor Actor, integrationID, inboxID string, enabled bool) error {
	if err := s.checkPair(ctx, actor, integrationID, inboxID); err != nil {
		return err
	}
	atts, err := s.attachments.ListAttachments(ctx, inboxID)
	if err != nil {
		return fmt.Errorf("integration: list attachments of inbox %q: %w", inboxID, err)
	}
	for _, a := range atts {
		if a.IntegrationID == integrationID {
			a.Enabled = enabled
			if err := s.attachments.PutAttachment(ctx, a); err != nil {
				return fmt.Errorf("integration %q: enable in %q: %w", integrationID, inboxID, err)
			}
			return nil
		}
	}
	return fmt.Errorf("integration %q: not attached to inbox %q: %w", integrationID, inboxID, ErrNotFound)
}

// checkPair checks that actor is an admin and that the integration and the inbox both belong
// to the actor's team.
func (s *Service) checkPair(ctx context.Context, actor Actor, integrationID, inboxID string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	if _, err := s.get(ctx, actor.TeamID, integrationID); err != nil {
		return err
	}
	_, err := s.inboxOf(ctx, actor.TeamID, inboxID)
	return err
}

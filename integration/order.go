package integration

import (
	"context"
	"fmt"
	"strconv"
)

// Reorder sets the card order of the inbox inboxID: order lists the IDs of every integration
// attached there, first card first, and each gets the position of its index plus one. Enabled
// flags are kept. When order is not exactly the attached integrations, Reorder changes nothing
// and returns a *ValidationError whose paths point into order ("/2" for its third element, ""
// for the list as a whole): an ID listed twice (duplicate), not attached (not_attached), or an
// attached ID missing (required). Only admins reorder ([ErrForbidden]); an inbox of another
// team is [ErrNotFound].
func (s *Service) Reorder(ctx context.Context, actor Actor, inboxID string, order []string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	ib, err := s.inboxOf(ctx, actor.TeamID, inboxID)
	if err != nil {
		return err
	}
	atts, err := s.attachments.ListAttachments(ctx, ib.ID)
	if err != nil {
		return fmt.Errorf("integration: list attachments of inbox %q: %w", ib.ID, err)
	}
	byID := make(map[string]Attachment, len(atts))
	for _, a := range atts {
		byID[a.IntegrationID] = a
	}
	var ps problems
	seen := make(map[string]bool, len(order))
	for i, id := range order {
		path := "/" + strconv.Itoa(i)
		switch _, ok := byID[id]; {
		case seen[id]:
			ps.add(path, CodeDuplicate, "integration is listed twice")
		case !ok:
			ps.add(path, CodeNotAttached, "integration is not attached to the inbox")
		}
		seen[id] = true
	}
	for _, a := range atts {
		if !seen[a.IntegrationID] {
			ps.add("", CodeRequired, "every attached integration must be listed; %d are attached", len(atts))
			break
		}
	}
	if len(ps) > 0 {
		return &ValidationError{Problems: ps}
	}
	for i, id := range order {
		a := byID[id]
		if a.Position == i+1 {
			continue
		}
		a.Position = i + 1
		if err := s.attachments.PutAttachment(ctx, a); err != nil {
			return fmt.Errorf("integration %q: reorder in %q: %w", id, ib.ID, err)
		}
	}
	return nil
}

// CodeNotAttached is the problem code of an integration that [Service.Reorder] was asked to
// place but that is not attached to the inbox.
const CodeNotAttached = "not_attached"

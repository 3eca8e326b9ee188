package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/inboxkit/inboxkit/integration"
)

// Store holds integrations, attachments and inboxes in memory. The zero value is not usable;
// call New.
type Store struct {
	mu           sync.RWMutex
	integrations map[string]*integration.Integration // by ID; never modified once stored
	// teams holds each team's integrations ordered by ID: the slice ListShared hands out,
	// replaced (never modified) by every Save and Delete of the team.
	teams       map[string][]*integration.Integration
	attachments map[string][]integration.Attachment // by inbox, in card order; replaced, never modified
	inboxes     map[string]integration.Inbox
}

var (
	_ integration.Store        = (*Store)(nil)
	_ integration.SharedLister = (*Store)(nil)
	_ integration.Attachments  = (*Store)(nil)
	_ integration.Inboxes      = (*Store)(nil)
)

// New returns an empty Store.
func New() *Store {
	return &Store{
		integrations: make(map[string]*integration.Integration),
		teams:        make(map[string][]*integration.Integration),
		attachments:  make(map[string][]integration.Attachment),
		inboxes:      make(map[string]integration.Inbox),
	}
}

// AddInbox records (or replaces) an inbox and its team, as a host's own inbox table would.
func (s *Store) AddInbox(in integration.Inbox) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inboxes[in.ID] = in
}

// Inbox implements integration.Inboxes.
func (s *Store) Inbox(_ context.Context, id string) (integration.Inbox, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	in, ok := s.inboxes[id]
	if !ok {
		return integration.Inbox{}, fmt.Errorf("memstore: inbox %q: %w", id, integration.ErrNotFound)
	}
	return in, nil
}

// Get implements integration.Store.
func (s *Store) Get(_ context.Context, teamID, id string) (*integration.Integration, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	in, ok := s.integrations[id]
	if !ok || in.TeamID != teamID {
		return nil, fmt.Errorf("memstore: integration %q: %w", id, integration.ErrNotFound)
	}
	return in.Clone(), nil
}

// List implements integration.Store.
func (s *Store) List(_ context.Context, teamID string) ([]*integration.Integration, error) {
	s.mu.RLock()
	team := s.teams[teamID]
	s.mu.RUnlock()
	out := make([]*integration.Integration, len(team))
	for i, in := range team {
		out[i] = in.Clone()
	}
	return out, nil
}

// ListShared implements integration.SharedLister: it returns the team's integrations as
// stored, without a copy (a Save stores a copy and replaces it; nothing stored is modified).
// The caller must not modify the slice or the integrations.
func (s *Store) ListShared(_ context.Context, teamID string) ([]*integration.Integration, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if team := s.teams[teamID]; team != nil {
		return team, nil
	}
	return []*integration.Integration{}, nil
}

// put stores in (a copy the Store owns) and replaces its team's list; s.mu is held.
func (s *Store) put(in *integration.Integration) {
	s.integrations[in.ID] = in
	s.relist(in.TeamID)
}

// relist replaces the list of team teamID; s.mu is held. The old list is left as it was: a
// caller of ListShared may still be reading it.
func (s *Store) relist(teamID string) {
	var team []*integration.Integration
	for _, in := range s.integrations {
		if in.TeamID == teamID {
			team = append(team, in)
		}
	}
	slices.SortFunc(team, func(a, b *integration.Integration) int { return cmp.Compare(a.ID, b.ID) })
	if team == nil {
		delete(s.teams, teamID)
		return
	}
	s.teams[teamID] = slices.Clip(team) // an append by a caller never writes into the list
}

// Save implements integration.Store.
func (s *Store) Save(_ context.Context, in *integration.Integration, prevVersion int64) error {
	if in == nil || in.ID == "" {
		return fmt.Errorf("memstore: save: integration without ID")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, exists := s.integrations[in.ID]
	switch {
	case prevVersion == 0 && exists:
		return fmt.Errorf("memstore: create %q: %w", in.ID, integration.ErrConflict)
	case prevVersion != 0 && (!exists || old.TeamID != in.TeamID):
		return fmt.Errorf("memstore: update %q: %w", in.ID, integration.ErrNotFound)
	case prevVersion != 0 && old.Version != prevVersion:
		return fmt.Errorf("memstore: update %q: stored version %d, not %d: %w", in.ID, old.Version, prevVersion, integration.ErrConflict)
	}
	s.put(in.Clone())
	return nil
}

// Delete implements integration.Store; it removes the integration's attachments too.
func (s *Store) Delete(_ context.Context, teamID, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.integrations[id]
	if !ok || in.TeamID != teamID {
		return fmt.Errorf("memstore: delete %q: %w", id, integration.ErrNotFound)
	}
	delete(s.integrations, id)
	s.relist(teamID)
	for inbox, atts := range s.attachments {
		if slices.ContainsFunc(atts, func(a integration.Attachment) bool { return a.IntegrationID == id }) {
			s.replaceAttachment(inbox, id, nil)
		}
	}
	return nil
}

// ListAttachments implements integration.Attachments.
func (s *Store) ListAttachments(_ context.Context, inboxID string) ([]integration.Attachment, error) {
	s.mu.RLock()
	out := slices.Clone(s.attachments[inboxID])
	s.mu.RUnlock()
	if out == nil {
		out = []integration.Attachment{}
	}
	return out, nil
}

// PutAttachment implements integration.Attachments.
func (s *Store) PutAttachment(_ context.Context, a integration.Attachment) error {
	if a.IntegrationID == "" || a.InboxID == "" {
		return fmt.Errorf("memstore: attachment needs an integration and an inbox")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replaceAttachment(a.InboxID, a.IntegrationID, &a)
	return nil
}

// DeleteAttachment implements integration.Attachments.
func (s *Store) DeleteAttachment(_ context.Context, integrationID, inboxID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.ContainsFunc(s.attachments[inboxID], func(a integration.Attachment) bool { return a.IntegrationID == integrationID }) {
		return fmt.Errorf("memstore: attachment %q to %q: %w", integrationID, inboxID, integration.ErrNotFound)
	}
	s.replaceAttachment(inboxID, integrationID, nil)
	return nil
}

// replaceAttachment replaces the list of inboxID by one where the attachment of integrationID
// is a (nil: none), in card order; s.mu is held. The old list is left as it was.
func (s *Store) replaceAttachment(inboxID, integrationID string, a *integration.Attachment) {
	old := s.attachments[inboxID]
	atts := make([]integration.Attachment, 0, len(old)+1)
	for _, o := range old {
		if o.IntegrationID != integrationID {
			atts = append(atts, o)
		}
	}
	if a != nil {
		atts = append(atts, *a)
	}
	if len(atts) == 0 {
		delete(s.attachments, inboxID)
		return
	}
	slices.SortFunc(atts, func(a, b integration.Attachment) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.IntegrationID, b.IntegrationID))
	})
	s.attachments[inboxID] = atts
}

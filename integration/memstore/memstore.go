package memstore

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/inboxkit/inboxkit/integration"
)

// Store holds integrations, attachments and inboxes in memory. The zero value is not usable;
// call New.
type Store struct {
	mu           sync.RWMutex
	integrations map[string]*integration.Integration // by ID
	attachments  map[attachmentKey]integration.Attachment
	inboxes      map[string]integration.Inbox
}

type attachmentKey struct{ integration, inbox string }

var (
	_ integration.Store       = (*Store)(nil)
	_ integration.Attachments = (*Store)(nil)
	_ integration.Inboxes     = (*Store)(nil)
)

// New returns an empty Store.
func New() *Store {
	return &Store{
		integrations: make(map[string]*integration.Integration),
		attachments:  make(map[attachmentKey]integration.Attachment),
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
	out := []*integration.Integration{}
	for _, in := range s.integrations {
		if in.TeamID == teamID {
			out = append(out, in.Clone())
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b *integration.Integration) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
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
	s.integrations[in.ID] = in.Clone()
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
	maps.DeleteFunc(s.attachments, func(k attachmentKey, _ integration.Attachment) bool { return k.integration == id })
	return nil
}

// ListAttachments implements integration.Attachments.
func (s *Store) ListAttachments(_ context.Context, inboxID string) ([]integration.Attachment, error) {
	s.mu.RLock()
	out := []integration.Attachment{}
	for k, a := range s.attachments {
		if k.inbox == inboxID {
			out = append(out, a)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b integration.Attachment) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.IntegrationID, b.IntegrationID))
	})
	return out, nil
}

// PutAttachment implements integration.Attachments.
func (s *Store) PutAttachment(_ context.Context, a integration.Attachment) error {
	if a.IntegrationID == "" || a.InboxID == "" {
		return fmt.Errorf("memstore: attachment needs an integration and an inbox")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attachments[attachmentKey{a.IntegrationID, a.InboxID}] = a
	return nil
}

// DeleteAttachment implements integration.Attachments.
func (s *Store) DeleteAttachment(_ context.Context, integrationID, inboxID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := attachmentKey{integrationID, inboxID}
	if _, ok := s.attachments[k]; !ok {
		return fmt.Errorf("memstore: attachment %q to %q: %w", integrationID, inboxID, integration.ErrNotFound)
	}
	delete(s.attachments, k)
	return nil
}

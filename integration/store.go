package integration

import "context"

// Store persists a host's integrations. The Service is its only caller in this package; the
// in-memory implementation in package memstore serves examples and host unit tests, and package
// integrationtest holds the conformance suite a database-backed implementation should pass.
//
// Implementations must be safe for concurrent use by multiple goroutines, must not retain or
// modify an *Integration passed to them, and must return integrations the caller may modify.
// Integrations arrive with secret values already sealed (Header.Sealed, Secret.Sealed) and
// clear values empty; store every field as given. A Store that never modifies what it handed
// out may also implement [SharedLister], which profile loads prefer to List.
type Store interface {
	// Get returns the integration id of team teamID, or an error wrapping ErrNotFound when
	// there is none or it belongs to another team.
	Get(ctx context.Context, teamID, id string) (*Integration, error)
	// List returns the integrations of team teamID ordered by ID. A team without integrations
	// has an empty list and no error.
	List(ctx context.Context, teamID string) ([]*Integration, error)
	// Save stores in. With prevVersion 0 it creates in and returns an error wrapping
	// ErrConflict when an integration with in.ID already exists. Otherwise it replaces the
	// integration in.ID of team in.TeamID only if the stored version equals prevVersion
	// (compare-and-swap), returning an error wrapping ErrNotFound when there is none and one
	// wrapping ErrConflict when the stored version differs. in.Version is the new version.
	Save(ctx context.Context, in *Integration, prevVersion int64) error
	// Delete removes the integration id of team teamID, or returns an error wrapping
	// ErrNotFound. An implementation that also implements Attachments removes the
	// integration's attachments too; the Service ignores attachments whose integration is gone.
	Delete(ctx context.Context, teamID, id string) error
}

// Attachments persists which integrations are attached to which inboxes. Implementations must
// be safe for concurrent use by multiple goroutines. They need not check teams: the Service
// only attaches an integration to an inbox of its own team.
type Attachments interface {
	// ListAttachments returns the attachments of inboxID, enabled or not, ordered by Position
	// and then IntegrationID. An inbox without attachments has an empty list and no error.
	ListAttachments(ctx context.Context, inboxID string) ([]Attachment, error)
	// PutAttachment creates the attachment of a.IntegrationID to a.InboxID or replaces its
	// Enabled flag and Position.
	PutAttachment(ctx context.Context, a Attachment) error
	// DeleteAttachment removes the attachment of integrationID to inboxID, or returns an error
	// wrapping ErrNotFound.
	DeleteAttachment(ctx context.Context, integrationID, inboxID string) error
}

// Inboxes tells the Service which team owns an inbox (and its name, for the inbox.name
// variable). It is the authority for isolation: an integration runs in, and attaches to, only
// inboxes of its own team. Implementations must be safe for concurrent use.
type Inboxes interface {
	// Inbox returns the inbox id, or an error wrapping ErrNotFound.
	Inbox(ctx context.Context, id string) (Inbox, error)
}

// InboxesFunc adapts a function to the Inboxes interface.
type InboxesFunc func(ctx context.Context, id string) (Inbox, error)

// Inbox calls f(ctx, id).
func (f InboxesFunc) Inbox(ctx context.Context, id string) (Inbox, error) { return f(ctx, id) }

// Package memstore is an in-memory implementation of the integration package's host interfaces
// (integration.Store, integration.Attachments, integration.Inboxes), for examples, tests and
// single-process hosts that keep nothing across restarts.
//
// A Store is safe for concurrent use by multiple goroutines. It copies values on the way in and
// on the way out, so callers may modify what they pass and what they get, with one exception:
// ListShared (integration.SharedLister), which profile loads use, hands out the stored
// integrations themselves, read-only.
package memstore

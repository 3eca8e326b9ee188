// Package inboxtest provides in-memory implementations of the host
// interfaces of package inbox ([Contacts], [Conversations], [Messages],
// [Ledger]) for host unit tests and examples, a fake [Clock], and
// conformance suites ([RunContacts], [RunConversations], [RunMessages],
// [RunLedger]) that a host's real implementations can run, after
// testing/slogtest:
//
//	func TestLedger(t *testing.T) {
//		inboxtest.RunLedger(t, func(t *testing.T) (inbox.Ledger, time.Duration, func(time.Duration)) {
//			db := newTestDB(t)
//			return sqlledger.New(db, time.Minute), time.Minute, db.AdvanceClock
//		})
//	}
//
// The suites check what the library relies on, including under
// concurrency (claims, takeovers, get-or-create, deduplicating sends), and
// are themselves tested: each fails on deliberately broken stores (a ledger
// without fencing, non-atomic claims, an ignored lease, truncated keys, a
// failed record that loses its event; contacts matched by prefix, LIKE
// pattern or case, a phone lookup that finds nothing, a created contact
// without its phone; a racy get-or-create; a send that deduplicates on
// text). [RunContacts] tests [inbox.PhoneContacts] and
// [inbox.ContactCreator] when the store implements them.
//
// All types here are safe for concurrent use. They keep everything in
// memory without limit: they are not meant for production.
package inboxtest

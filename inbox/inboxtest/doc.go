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
// All types here are safe for concurrent use. They keep everything in
// memory without limit: they are not meant for production.
package inboxtest

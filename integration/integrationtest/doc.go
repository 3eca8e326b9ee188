// Package integrationtest holds conformance suites for the host interfaces of package
// integration, in the manner of testing/slogtest. A host runs them from its own tests against its
// database-backed implementation:
//
//	func TestStore(t *testing.T) {
//		integrationtest.Run(t, func(t *testing.T) integration.Store { return newTestDB(t) })
//	}
//
// Each subtest asks for a fresh, empty store. Besides comparing what the store gives back, the
// suite runs an [integration.Service] over it against an httptest upstream on 127.0.0.1 and
// checks the credentials that upstream receives: a store that loses or mixes up sealed secrets
// fails even where the JSON encodings it returns look right.
//
// # Decisions
//
//   - Times are compared at millisecond precision, so a database that rounds timestamps to
//     microseconds passes.
//   - The suite is shown to fail: its own tests run it against deliberately broken stores (no
//     team check, lists across teams or inboxes, no compare-and-swap, sealed forms dropped or
//     swapped) and assert each is caught.
package integrationtest

// Package integrationtest holds conformance suites for the host interfaces of package
// integration, in the manner of testing/slogtest. A host runs them from its own tests against its
// database-backed implementation:
//
//	func TestStore(t *testing.T) {
//		integrationtest.Run(t, func(t *testing.T) integration.Store { return newTestDB(t) })
//	}
//
// Each subtest asks for a fresh, empty store. Times are compared at millisecond precision, so a
// database that rounds timestamps to microseconds passes.
package integrationtest

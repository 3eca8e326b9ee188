package integrationtest_test

import (
	"fmt"

	"github.com/inboxkit/inboxkit/integration/integrationtest"
)

// Sample is the fully populated integration the suite stores and reads back; a host may use it
// in its own tests.
func ExampleSample() {
	in := integrationtest.Sample("acme", "crm")
	fmt.Println(in.TeamID, in.ID, in.Version, len(in.Headers), in.Headers[1].Secret, in.Headers[1].Value == "")
	// Output: acme crm 1 3 true true
}

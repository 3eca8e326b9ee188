package integrationtest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/integrationtest"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

// broken wraps a memstore with one deliberate bug.
type broken struct {
	*memstore.Store
	bug string
}

func (b broken) Get(ctx context.Context, team, id string) (*integration.Integration, error) {
	in, err := b.Store.Get(ctx, team, id)
	if err != nil && b.bug == "noteam" {
		for _, other := range []string{"team-1", "team-2"} {
			if in, err2 := b.Store.Get(ctx, other, id); err2 == nil {
				return in, nil
			}
		}
	}
	return in, err
}

func (b broken) Save(ctx context.Context, in *integration.Integration, prev int64) error {
	if b.bug == "nocas" && prev != 0 {
		if cur, err := b.Store.Get(ctx, in.TeamID, in.ID); err == nil {
			prev = cur.Version // last writer wins
		}
	}
	return b.Store.Save(ctx, in, prev)
}

// TestBrokenStoreHelper is not a test of its own: TestSuiteCatchesBrokenStores runs it in a child
// process with INTEGRATIONTEST_BUG set (the os/exec helper-process idiom). In a normal run it
// returns at once.
func TestBrokenStoreHelper(t *testing.T) {
	bug := os.Getenv("INTEGRATIONTEST_BUG")
	if bug == "" {
		return
	}
	integrationtest.Run(t, func(*testing.T) integration.Store { return broken{memstore.New(), bug} })
}

// The suite fails for stores that ignore teams or skip the compare-and-swap.
func TestSuiteCatchesBrokenStores(t *testing.T) {
	t.Parallel()
	for bug, wantFail := range map[string]string{
		"noteam": "--- FAIL: TestBrokenStoreHelper/OtherTeamIsNotFound",
		"nocas":  "--- FAIL: TestBrokenStoreHelper/UpdateCompareAndSwap",
	} {
		t.Run(bug, func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestBrokenStoreHelper$", "-test.v")
			cmd.Env = append(os.Environ(), "INTEGRATIONTEST_BUG="+bug)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a store with bug %q:\n%s", bug, out)
			}
			if !strings.Contains(string(out), wantFail) {
				t.Errorf("bug %q: output lacks %q:\n%s", bug, wantFail, out)
			}
		})
	}
}

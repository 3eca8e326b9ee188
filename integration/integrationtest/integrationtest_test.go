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

func (b broken) List(ctx context.Context, team string) ([]*integration.Integration, error) {
	if b.bug != "listallteams" {
		return b.Store.List(ctx, team)
	}
	var all []*integration.Integration
	for _, other := range []string{"team-1", "team-2"} {
		list, err := b.Store.List(ctx, other)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	return all, nil
}

func (b broken) ListAttachments(ctx context.Context, inbox string) ([]integration.Attachment, error) {
	if b.bug != "allinboxes" {
		return b.Store.ListAttachments(ctx, inbox)
	}
	var all []integration.Attachment
	for _, other := range []string{"inbox-1", "inbox-2"} {
		list, err := b.Store.ListAttachments(ctx, other)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	return all, nil
}

func (b broken) Save(ctx context.Context, in *integration.Integration, prev int64) error {
	if b.bug == "dropsealed" {
		// A store that keeps what a front end sees: the sealed forms look internal, so it
		// leaves them out.
		in = in.Clone()
		for i := range in.Headers {
			in.Headers[i].Sealed = ""
		}
		for i := range in.Secrets {
			in.Secrets[i].Sealed = ""
		}
	}
	if b.bug == "swapsealed" {
		// A store that maps columns wrongly: the sealed header lands in the secret's column
		// and back. Every value still opens (both belong to the integration).
		in = in.Clone()
		for i := range in.Headers {
			if in.Headers[i].Sealed != "" && len(in.Secrets) > 0 {
				in.Headers[i].Sealed, in.Secrets[0].Sealed = in.Secrets[0].Sealed, in.Headers[i].Sealed
				break
			}
		}
	}
	if b.bug == "nocas" && prev != 0 {
		if cur, err := b.Store.Get(ctx, in.TeamID, in.ID); err == nil {
			prev = cur.Version // last writer wins
		}
	}
	if b.bug == "sharedinplace" {
		// A store that updates the integrations it handed out by ListShared in place.
		before, _ := b.Store.ListShared(ctx, in.TeamID)
		if err := b.Store.Save(ctx, in, prev); err != nil {
			return err
		}
		for _, old := range before {
			if old.ID == in.ID {
				*old = *in.Clone()
			}
		}
		return nil
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

// The suite fails for stores that ignore teams or inboxes, skip the compare-and-swap, lose
// secrets or change what ListShared handed out.
func TestSuiteCatchesBrokenStores(t *testing.T) {
	t.Parallel()
	for bug, wantFail := range map[string]string{
		"noteam":        "--- FAIL: TestBrokenStoreHelper/OtherTeamIsNotFound",
		"listallteams":  "--- FAIL: TestBrokenStoreHelper/ListByTeamOrderedByID",
		"allinboxes":    "--- FAIL: TestBrokenStoreHelper/Attachments/PutListOrderReplaceDelete",
		"nocas":         "--- FAIL: TestBrokenStoreHelper/UpdateCompareAndSwap",
		"dropsealed":    "--- FAIL: TestBrokenStoreHelper/SecretsReachTheUpstream",
		"swapsealed":    "the upstream received Authorization",
		"sharedinplace": "--- FAIL: TestBrokenStoreHelper/ListShared",
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

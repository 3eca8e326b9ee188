package inboxtest_test

import (
	"context"
	"testing"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/inboxtest"
)

// FuzzContactsEmail checks that whatever the address, a contact added with
// it is found by its normalized form, and only by it.
func FuzzContactsEmail(f *testing.F) {
	f.Add("Ada@Example.com", "ada@example.com")
	f.Add(" bo@x ", "BO@X")
	f.Add("Zoë@Example.COM", "zoë@example.com")
	f.Add("", "a")
	f.Fuzz(func(t *testing.T, stored, asked string) {
		c := inboxtest.NewContacts()
		c.Add("c1", stored)
		ids, err := c.FindByEmail(context.Background(), asked)
		if err != nil {
			t.Fatal(err)
		}
		same := inbox.NormalizeEmail(stored) == inbox.NormalizeEmail(asked)
		if same != (len(ids) == 1) {
			t.Fatalf("Add(%q) FindByEmail(%q) = %v", stored, asked, ids)
		}
	})
}

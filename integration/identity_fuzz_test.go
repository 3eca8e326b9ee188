package integration

import (
	"encoding/hex"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
)

// FuzzIdentity checks what lets the executor serve a cached response by identity: two contacts
// whose requests have equal identities build equal requests, and a contact whose request cannot
// be built has no identity either (the same error).
func FuzzIdentity(f *testing.F) {
	for _, s := range []string{"", "zoe@example.com", "a/b", "..", "\r\n", `"}`, "\xff", "ab"} {
		f.Add(s, "c1", "+1", "Zoë", s, "c1", "+1", "Zoë")
		f.Add("a", s, s, s, "a", "", "", "")
		f.Add("a", "c1", "+1", s, "a", "c1", "+1", "x") // only the body differs
		f.Add("a", "c1", s, "n", "a", "c1", "+2", "n")  // only the header differs
	}
	f.Add("ab", "c", "", "", "a", "bc", "", "")
	f.Add("a", "c1", "+1", "n", "b", "c1", "+1", "n") // only the query differs
	in := &Integration{
		TeamID: "t", ID: "crm", Version: 3, Name: "CRM", Method: MethodPost,
		// Each template has a variable of its own, so that an identity that left one out
		// would let two contacts that differ only there share a response.
		URL:   "https://crm.example.com/v1/{{contact.id}}/x?plan={{contact.attributes.plan}}",
		Query: []QueryParam{{Name: "email", Value: "{{contact.email | default:\"none\"}}"}},
		Headers: []Header{{Name: "X-Phone", Value: "tel {{contact.phone_number}}"},
			{Name: "Authorization", Value: "Bearer k", Secret: true}},
		Body: `{"name":"{{contact.name}}"}`,
	}
	c, err := compile(in)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, email1, id1, phone1, name1, email2, id2, phone2, name2 string) {
		type built struct {
			id      string
			url     string
			header  http.Header
			body    string
			err     string
			secrets []string
		}
		build := func(email, id, phone, name string) built {
			ct := &Contact{ID: id, Email: email, PhoneNumber: phone, Name: name, Attributes: map[string]string{"plan": id + "-plan"}}
			v := newVars(ct, nil, &Inbox{ID: "a1"}, nil, nil, "t", now, time.UTC)
			v.secrets = standIns{in, c}
			ident, err := c.appendIdentity(nil, v)
			var r httpexec.Request
			berr := c.buildInto(&r, in, v, false)
			if (err == nil) != (berr == nil) || err != nil && err.Error() != berr.Error() {
				t.Fatalf("identity error %v, build error %v", err, berr)
			}
			if err != nil {
				return built{err: err.Error()}
			}
			return built{string(ident), r.URL, r.Header, string(r.Body), "", r.SecretHeaders}
		}
		a, b := build(email1, id1, phone1, name1), build(email2, id2, phone2, name2)
		if a.err != "" || b.err != "" || a.id != b.id {
			return
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("equal identities, different requests:\n%+v\n%+v", a, b)
		}
	})
}

// TestAppendStandIn: a stand-in enters an identity as the 16 bytes its digest spells, tagged 0;
// any other value (none, or one that only looks like a stand-in) as itself, tagged 1 and
// length-prefixed, so that no value of one kind reads as one of the other.
func TestAppendStandIn(t *testing.T) {
	digest := "00112233445566778899aabbccddeeff"
	raw := "\x00\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff"
	for _, tt := range []struct{ val, want string }{
		{standIn("sealed-form", ""), "\x00" + string(mustHex(t, standIn("sealed-form", "")[len(standInPrefix):]))},
		{standInPrefix + digest, raw},
		{"", "\x01\x00"},
		{standInPrefix + digest[:30], "\x01\x25" + standInPrefix + digest[:30]},             // too short
		{standInPrefix + "zz" + digest[2:], "\x01\x27" + standInPrefix + "zz" + digest[2:]}, // not hex
		{"Bearer " + digest, "\x01\x27Bearer " + digest},
	} {
		if got := string(appendStandIn(nil, tt.val)); got != tt.want {
			t.Errorf("appendStandIn(%q) = %q, want %q", tt.val, got, tt.want)
		}
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

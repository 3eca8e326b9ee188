package catalog_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/catalog"
	"github.com/inboxkit/inboxkit/integration/memstore"
)

var admin = integration.Actor{TeamID: "team-a", Role: integration.RoleAdmin}

// handlerTransport answers every request in process with h: nothing is dialled.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// newService returns a Service over a memstore whose executor hands every request to h.
func newService(t *testing.T, h http.Handler) (*integration.Service, *memstore.Store) {
	t.Helper()
	if h == nil {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t.Errorf("unexpected request to %s", r.URL.Host)
			http.Error(w, "no", http.StatusTeapot)
		})
	}
	exec, err := httpexec.New(httpexec.Options{Transport: handlerTransport{h}, Retry: httpexec.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Close() })
	store := memstore.New()
	store.AddInbox(integration.Inbox{ID: "a1", TeamID: "team-a", Name: "Support"})
	sealer, err := integration.NewAESGCM(integration.Key{ID: "k1", Secret: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := integration.NewService(integration.Options{Store: store, Attachments: store, Inboxes: store, Executor: exec, Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	return svc, store
}

// unquoteLiteral reads a search-language string literal opened by quote q, in which a
// backslash takes the next byte literally (Stripe search, SOQL, Zendesk and Shopify search). It
// returns the value and what follows the literal.
func unquoteLiteral(s string, q byte) (value, rest string, ok bool) {
	if len(s) == 0 || s[0] != q {
		return "", "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 == len(s) {
				return "", "", false
			}
			i++
			b.WriteByte(s[i])
		case q:
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", false
}

// hostileEmails try to break out of each service's query language, add parameters, or reach
// another record.
var hostileEmails = []string{
	"jenny.rosen@example.com",
	"o'brien@example.com",
	"x' OR email:'victim@example.com",
	`x\' OR created>0 OR email:\'y@example.com`,
	`"a" requester:"victim@example.com"@example.com`,
	`a\"b@example.com`,
	"victim@example.com,attacker@example.com",
	"a@example.com&email=victim@example.com",
	"a@example.com#frag",
	`{"$ne":null}@example.com`,
	"{{contact.name}}@example.com",
	"zoë+support@exämple.com",
	"' OR Email != '",
}

// emailOf returns the email that the request r asks the service for, read the way the service
// reads its query language, or "" with a reason when r is not one well-formed lookup of one
// email.
func emailOf(t *testing.T, id string, r integration.SentRequest) string {
	t.Helper()
	u, err := url.Parse(r.URL)
	if err != nil {
		t.Fatalf("sent URL does not parse: %v", err)
	}
	q := u.Query()
	single := func(name string) string {
		if len(q[name]) != 1 {
			t.Fatalf("query parameter %s appears %d times in %s", name, len(q[name]), r.URL)
		}
		return q.Get(name)
	}
	literal := func(s, prefix string, quote byte, suffix string) string {
		lit, ok := strings.CutPrefix(s, prefix)
		if !ok {
			t.Fatalf("%q does not start with %q", s, prefix)
		}
		v, rest, ok := unquoteLiteral(lit, quote)
		if !ok || rest != suffix {
			t.Fatalf("%q: the literal is followed by %q, want %q", s, rest, suffix)
		}
		return v
	}
	var body map[string]any
	if r.Body != "" {
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			t.Fatalf("sent body is not JSON: %v\n%s", err, r.Body)
		}
	}
	dig := func(v any, keys ...any) string {
		for _, k := range keys {
			switch k := k.(type) {
			case string:
				v = v.(map[string]any)[k]
			case int:
				v = v.([]any)[k]
			}
		}
		return v.(string)
	}
	switch id {
	case "stripe-customer", "stripe-subscriptions":
		return literal(single("query"), "email:", '\'', "")
	case "zendesk-tickets":
		return literal(single("query"), "type:ticket requester:", '"', "")
	case "salesforce-contact":
		soql := single("q")
		i := strings.Index(soql, " WHERE Email = ")
		if i < 0 {
			t.Fatalf("SOQL %q has no WHERE Email", soql)
		}
		return literal(soql[i:], " WHERE Email = ", '\'', " ORDER BY LastModifiedDate DESC LIMIT 3")
	case "hubspot-contact":
		return dig(body, "filterGroups", 0, "filters", 0, "value")
	case "intercom-contact":
		return dig(body, "query", "value")
	case "shopify-orders":
		return literal(dig(body, "variables", "q"), "email:", '"', "")
	case "pipedrive-person":
		return single("term")
	case "calendly-events":
		return single("invitee_email")
	case "freshdesk-tickets":
		return single("email")
	}
	t.Fatalf("no reader of %s requests", id)
	return ""
}

// TestHostileEmails dry-runs every entry for contacts whose email attacks the service's query
// language, and reads the request as the service would: it asks for exactly that email, at the
// entry's host, with the entry's parameters, and shows no credential.
func TestHostileEmails(t *testing.T) {
	svc, _ := newService(t, nil)
	entries, err := catalog.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.ID, func(t *testing.T) {
			values := sampleValues(e)
			in, err := catalog.Install(e.ID, values)
			if err != nil {
				t.Fatal(err)
			}
			base, _ := url.Parse(in.URL)
			var wantParams []string
			for _, p := range in.Query {
				wantParams = append(wantParams, p.Name)
			}
			slices.Sort(wantParams)
			for _, email := range hostileEmails {
				res, err := svc.Test(context.Background(), admin, &integration.TestRequest{
					Integration: in, Contact: integration.Contact{ID: "c1", Email: email},
				})
				if err != nil {
					t.Fatalf("Test(%q): %v", email, err)
				}
				if e.ID == "zendesk-tickets" && strings.ContainsAny(email, `"\`) {
					// Zendesk documents no escape inside a phrase: such an email is not sent.
					if res.Success || res.Request.URL != "" {
						t.Errorf("email %q: Zendesk request %q built", email, res.Request.URL)
					}
					continue
				}
				if !res.Success || res.Sent {
					t.Fatalf("dry run for %q: success %v, sent %v, error %v %s", email, res.Success, res.Sent, res.Error, res.Detail)
				}
				u, _ := url.Parse(res.Request.URL)
				if u.Scheme != "https" || u.Host != base.Host || u.Path != base.Path {
					t.Errorf("email %q: request goes to %s://%s%s, want %s", email, u.Scheme, u.Host, u.Path, in.URL)
				}
				var gotParams []string
				for name := range u.Query() {
					gotParams = append(gotParams, name)
				}
				slices.Sort(gotParams)
				if diff := cmp.Diff(wantParams, gotParams); diff != "" {
					t.Errorf("email %q: query parameters (-want +got):\n%s", email, diff)
				}
				if got := emailOf(t, e.ID, res.Request); got != email {
					t.Errorf("request asks for %q, want %q\n%s %s", got, email, res.Request.URL, res.Request.Body)
				}
				dump, _ := json.Marshal(res)
				for _, v := range values {
					if strings.Contains(string(dump), v) && len(v) > 12 {
						t.Errorf("dry run result shows a credential")
					}
				}
			}
		})
	}
}

// TestControlCharacterEmail: an email with a line break cannot be written as a search literal,
// so entries that quote the email send nothing; the others send it escaped.
func TestControlCharacterEmail(t *testing.T) {
	svc, _ := newService(t, nil)
	for _, id := range []string{"stripe-customer", "zendesk-tickets", "salesforce-contact", "shopify-orders"} {
		e, err := catalog.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		in, err := catalog.Install(id, sampleValues(e))
		if err != nil {
			t.Fatal(err)
		}
		res, err := svc.Test(context.Background(), admin, &integration.TestRequest{
			Integration: in, Contact: integration.Contact{ID: "c1", Email: "a@example.com\r\nX: y"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Success || res.Error == nil || res.Request.URL != "" {
			t.Errorf("%s: an email with CR LF expands to %q (success %v)", id, res.Request.URL, res.Success)
		}
		if strings.Contains(res.Detail, "a@example.com") {
			t.Errorf("%s: the error detail shows the contact's email: %s", id, res.Detail)
		}
	}
}

// wantAuth is the credential header each service receives for sampleValues, as its API
// reference describes it.
func wantAuth(id string, v map[string]string) (name, value string) {
	basic := func(s string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(s)) }
	switch id {
	case "shopify-orders":
		return "X-Shopify-Access-Token", v["access_token"]
	case "pipedrive-person":
		return "X-Api-Token", v["api_token"]
	case "zendesk-tickets":
		return "Authorization", basic(v["credentials"])
	case "freshdesk-tickets":
		return "Authorization", basic(v["api_key"] + ":X")
	case "stripe-customer", "stripe-subscriptions":
		return "Authorization", "Bearer " + v["api_key"]
	}
	return "Authorization", "Bearer " + v["access_token"]
}

// TestProfileEndToEnd installs every entry, saves it through the Service, attaches it and loads
// a contact's profile against an in-process stand-in of the service that answers with the
// entry's sample: the stand-in receives the credential as the service expects it, and the card
// renders the sample without diagnostics.
func TestProfileEndToEnd(t *testing.T) {
	entries, err := catalog.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.ID, func(t *testing.T) {
			t.Parallel()
			values := sampleValues(e)
			var got *http.Request
			svc, _ := newService(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.Clone(context.Background())
				w.Header().Set("Content-Type", "application/json")
				w.Write(e.Sample.Response)
			}))
			in, err := catalog.Install(e.ID, values)
			if err != nil {
				t.Fatal(err)
			}
			saved, err := svc.Create(context.Background(), admin, in)
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			if err := svc.Attach(context.Background(), admin, saved.ID, "a1", 1); err != nil {
				t.Fatal(err)
			}
			cards, err := svc.Profile(context.Background(), admin, &integration.ProfileRequest{
				InboxID: "a1", Contact: integration.Contact{ID: "c1", Email: "jenny.rosen@example.com"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(cards) != 1 || cards[0].Status != integration.StatusOK || cards[0].Output == nil {
				t.Fatalf("cards = %+v", cards)
			}
			if d := cards[0].Output.Diagnostics; len(d) > 0 {
				t.Errorf("card renders with diagnostics %+v", d)
			}
			if got == nil {
				t.Fatal("the service received no request")
			}
			if got.Method != in.EffectiveMethod() || got.URL.Scheme != "https" {
				t.Errorf("request %s %s", got.Method, got.URL.Scheme)
			}
			name, value := wantAuth(e.ID, values)
			if got.Header.Get(name) != value {
				t.Errorf("%s header is not the credential the service expects", name)
			}
			if got.Method == http.MethodPost && got.Header.Get("Content-Type") != "application/json" {
				t.Errorf("POST without a JSON content type")
			}
		})
	}
}

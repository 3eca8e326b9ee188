package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/catalog"
	"github.com/inboxkit/inboxkit/integration/httpapi"
)

const shopifyToken = "shpat_0123456789abcdefABCDEF"

func TestListCatalog(t *testing.T) {
	e := newEnv(t, nil)
	// template.Output encodes raw values it does not decode: read the preview as a tree.
	var list struct {
		Entries []struct {
			httpapi.CatalogEntry
			Preview struct {
				Nodes       []any `json:"nodes"`
				Diagnostics []any `json:"diagnostics"`
			} `json:"preview"`
		} `json:"entries"`
	}
	e.mustDo(t, http.StatusOK, "member-a", "GET", "/catalog", "", &list)
	entries, err := catalog.List()
	if err != nil {
		t.Fatal(err)
	}
	var wantIDs, gotIDs []string
	for _, en := range entries {
		wantIDs = append(wantIDs, en.ID)
	}
	for _, en := range list.Entries {
		gotIDs = append(gotIDs, en.ID)
		if len(en.Preview.Nodes) == 0 {
			t.Errorf("%s: no rendered preview", en.ID)
		} else if len(en.Preview.Diagnostics) != 0 {
			t.Errorf("%s: preview diagnostics %+v", en.ID, en.Preview.Diagnostics)
		}
		if len(en.Secrets) == 0 || en.Name == "" || en.Category == "" || !strings.HasPrefix(en.Reference, "https://") {
			t.Errorf("%s: incomplete entry %+v", en.ID, en)
		}
	}
	if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
		t.Errorf("entry ids (-want +got):\n%s", diff)
	}

	var shop httpapi.CatalogEntry
	var preview []byte
	for _, en := range list.Entries {
		if en.ID == "shopify-orders" {
			shop = en.CatalogEntry
			preview, _ = json.Marshal(en.Preview)
		}
	}
	want := []string{"access_token", "shop"}
	got := []string{shop.Secrets[0].Name, shop.Settings[0].Name}
	if diff := cmp.Diff(want, got); diff != "" || shop.Settings[0].Pattern == "" || !strings.Contains(shop.URL, "{{setting.shop}}") {
		t.Errorf("shopify-orders fields (-want +got):\n%s\nentry %+v", diff, shop)
	}
	// The preview's links show a stand-in for the admin's shop.
	if !strings.Contains(string(preview), "https://admin.shopify.com/store/example/orders/") || strings.Contains(string(preview), "setting.") {
		t.Errorf("shopify-orders preview links: %s", preview)
	}

	resp, b := e.do(t, "", "GET", "/catalog", "")
	if p := problem(t, resp, b); p.Code != httpapi.CodeUnauthenticated {
		t.Errorf("anonymous listCatalog = %d %s, want 401", resp.StatusCode, b)
	}
}

func TestInstallCatalogEntry(t *testing.T) {
	e := newEnv(t, nil)
	var in integration.Integration
	e.mustDo(t, http.StatusCreated, "admin-a", "POST", "/catalog/shopify-orders/install",
		`{"values": {"access_token": "`+shopifyToken+`", "shop": "acme-store"}}`, &in)
	if in.ID == "" || in.TeamID != "team-a" || in.Version != 1 || !in.Active || !in.Display.Enabled {
		t.Errorf("installed = %+v", in)
	}
	if !strings.HasPrefix(in.URL, "https://acme-store.myshopify.com/") {
		t.Errorf("url = %q, want the shop written in", in.URL)
	}
	if len(in.Secrets) != 1 || in.Secrets[0].Name != "access_token" || in.Secrets[0].Value != integration.Redacted {
		t.Errorf("secrets = %+v, want access_token redacted", in.Secrets)
	}
	// The stored integration is the team's like any other, and its secret opens.
	var got integration.Integration
	e.mustDo(t, http.StatusOK, "member-a", "GET", "/integrations/"+in.ID, "", &got)
	if got.Name != in.Name {
		t.Errorf("stored name %q, installed %q", got.Name, in.Name)
	}
	stored, err := e.store.Get(t.Context(), "team-a", in.ID)
	if err != nil || len(stored.Secrets) != 1 || stored.Secrets[0].Sealed == "" || stored.Secrets[0].Value != "" {
		t.Errorf("stored secrets = %+v (%v), want sealed", stored, err)
	}
}

func TestInstallCatalogEntryRefused(t *testing.T) {
	e := newEnv(t, nil)
	good := `{"values": {"access_token": "` + shopifyToken + `", "shop": "acme"}}`
	tests := []struct {
		name, user, path, body string
		status                 int
		code                   string
		problems               []httpapi.Problem
	}{
		{name: "member", user: "member-a", path: "/catalog/shopify-orders/install", body: good,
			status: 403, code: httpapi.CodeForbidden},
		{name: "member with bad values", user: "member-a", path: "/catalog/shopify-orders/install", body: `{"values": {}}`,
			status: 403, code: httpapi.CodeForbidden},
		{name: "unknown entry", user: "admin-a", path: "/catalog/acme-crm/install", body: good,
			status: 404, code: httpapi.CodeNotFound},
		{name: "id that is no entry name", user: "admin-a", path: "/catalog/..%2Fentries%2Fstripe-customer/install", body: good,
			status: 404, code: httpapi.CodeNotFound},
		{name: "missing and malformed values", user: "admin-a", path: "/catalog/shopify-orders/install",
			body:   `{"values": {"access_token": "sk_live_nope", "extra": "x"}}`,
			status: 422, code: httpapi.CodeValidation, problems: []httpapi.Problem{
				{Path: "/values/access_token", Code: catalog.CodeInvalid},
				{Path: "/values/shop", Code: catalog.CodeRequired},
				{Path: "/values/extra", Code: catalog.CodeUnknown},
			}},
		{name: "no values", user: "admin-a", path: "/catalog/stripe-customer/install", body: `{}`,
			status: 422, code: httpapi.CodeValidation, problems: []httpapi.Problem{{Path: "/values/api_key", Code: catalog.CodeRequired}}},
		{name: "value of the wrong type", user: "admin-a", path: "/catalog/stripe-customer/install", body: `{"values": {"api_key": 42}}`,
			status: 400, code: httpapi.CodeInvalidRequest, problems: []httpapi.Problem{{Path: "/values/api_key", Code: httpapi.CodeInvalidType}}},
		{name: "unknown field", user: "admin-a", path: "/catalog/stripe-customer/install", body: `{"values": {}, "entry": "x"}`,
			status: 400, code: httpapi.CodeInvalidRequest, problems: []httpapi.Problem{{Path: "/entry", Code: httpapi.CodeUnknownField}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := e.do(t, tt.user, "POST", tt.path, tt.body)
			p := problem(t, resp, b)
			if resp.StatusCode != tt.status || p.Code != tt.code {
				t.Fatalf("= %d %s, want %d %s", resp.StatusCode, b, tt.status, tt.code)
			}
			var got []httpapi.Problem
			for _, pr := range p.Problems {
				got = append(got, httpapi.Problem{Path: pr.Path, Code: pr.Code})
			}
			if diff := cmp.Diff(tt.problems, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
	var list httpapi.IntegrationList
	e.mustDo(t, http.StatusOK, "admin-a", "GET", "/integrations", "", &list)
	if len(list.Integrations) != 0 {
		t.Errorf("a refused install created %d integrations", len(list.Integrations))
	}
}

// TestInstallCatalogEntryHostile sends values that try to break out of the setting they fill,
// or to come back in the answer.
func TestInstallCatalogEntryHostile(t *testing.T) {
	e := newEnv(t, nil)
	hostile := []struct{ name, values string }{
		{"host injection", `{"shop": "evil.example/x?", "access_token": "` + shopifyToken + `"}`},
		{"crlf in a secret", `{"shop": "acme", "access_token": "` + shopifyToken + `\r\nX-Evil: 1"}`},
		{"script", `{"shop": "<script>alert(1)</script>", "access_token": "` + shopifyToken + `"}`},
		{"template in a setting", `{"shop": "{{secret.access_token}}", "access_token": "` + shopifyToken + `"}`},
		{"pointer characters in a name", `{"a/b~c": "<img src=x onerror=alert(1)>", "shop": "acme", "access_token": "` + shopifyToken + `"}`},
		{"huge value", `{"shop": "` + strings.Repeat("a", 1<<20) + `", "access_token": "` + shopifyToken + `"}`},
	}
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := e.do(t, "admin-a", "POST", "/catalog/shopify-orders/install", `{"values": `+tt.values+`}`)
			p := problem(t, resp, b)
			if resp.StatusCode != http.StatusUnprocessableEntity || len(p.Problems) == 0 {
				t.Fatalf("= %d %s, want 422 with problems", resp.StatusCode, b)
			}
			for _, pr := range p.Problems {
				if !strings.HasPrefix(pr.Path, "/values/") {
					t.Errorf("problem path %q not below /values", pr.Path)
				}
			}
			for _, leak := range []string{shopifyToken, "<script>", "onerror", "evil.example", "X-Evil"} {
				if strings.Contains(string(b), leak) {
					t.Errorf("answer echoes %q: %s", leak, b)
				}
			}
		})
	}
	resp, b := e.do(t, "admin-a", "POST", "/catalog/shopify-orders/install", `{"values": {"a/b~c": "x", "shop": "acme", "access_token": "`+shopifyToken+`"}}`)
	if p := problem(t, resp, b); len(p.Problems) != 1 || p.Problems[0].Path != "/values/a~1b~0c" {
		t.Errorf("escaped name: %s, want one problem at /values/a~1b~0c", b)
	}
	var list httpapi.IntegrationList
	e.mustDo(t, http.StatusOK, "admin-a", "GET", "/integrations", "", &list)
	if len(list.Integrations) != 0 {
		t.Errorf("hostile installs created %d integrations", len(list.Integrations))
	}
}

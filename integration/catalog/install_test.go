package catalog_test

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/integration/catalog"
)

func TestInstallProblems(t *testing.T) {
	good := map[string]string{"shop": "acme-shop", "access_token": "shpat_0123456789abcdef0123456789abcdef"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for k, v := range good {
			m[k] = v
		}
		if v == "<delete>" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name   string
		values map[string]string
		want   []catalog.Problem
	}{
		{"missing secret", with("access_token", "<delete>"), []catalog.Problem{{Path: "/access_token", Code: catalog.CodeRequired, Message: "Admin API access token is required"}}},
		{"nothing", nil, []catalog.Problem{
			{Path: "/access_token", Code: catalog.CodeRequired, Message: "Admin API access token is required"},
			{Path: "/shop", Code: catalog.CodeRequired, Message: "Shop subdomain is required"},
		}},
		{"wrong kind of token", with("access_token", "sk_live_0123456789abcdef"), []catalog.Problem{{Path: "/access_token", Code: catalog.CodeInvalid}}},
		{"token with a line break", with("access_token", "shpat_0123456789abcdef\r\nX-Evil: 1"), []catalog.Problem{{Path: "/access_token", Code: catalog.CodeInvalid}}},
		{"shop is a URL", with("shop", "https://acme-shop.myshopify.com"), []catalog.Problem{{Path: "/shop", Code: catalog.CodeInvalid}}},
		{"shop redirects the host", with("shop", "evil.example.com/x?"), []catalog.Problem{{Path: "/shop", Code: catalog.CodeInvalid}}},
		{"shop breaks the template JSON", with("shop", `a"}],"x":"`), []catalog.Problem{{Path: "/shop", Code: catalog.CodeInvalid}}},
		{"unknown value", with("api-key/x", "v"), []catalog.Problem{{Path: "/api-key~1x", Code: catalog.CodeUnknown, Message: "entry shopify-orders has no secret or setting of this name"}}},
	}
	ignoreMessage := func(ps []catalog.Problem) []catalog.Problem {
		out := make([]catalog.Problem, len(ps))
		for i, p := range ps {
			out[i] = p
			if p.Code == catalog.CodeInvalid {
				out[i].Message = ""
			}
		}
		return out
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := catalog.Install("shopify-orders", tt.values)
			ie, ok := errors.AsType[*catalog.InstallError](err)
			if !ok {
				t.Fatalf("Install error = %v (integration %v), want *InstallError", err, in)
			}
			if diff := cmp.Diff(tt.want, ignoreMessage(ie.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			for _, v := range tt.values {
				if len(v) > 8 && strings.Contains(err.Error(), v) {
					t.Errorf("error %q repeats a value", err)
				}
			}
		})
	}
}

func TestInstallResult(t *testing.T) {
	in, err := catalog.Install("freshdesk-tickets", map[string]string{"api_key": "AbCdEfGhIjKlMnOpQrSt\n", "domain": " acme "})
	if err != nil {
		t.Fatal(err)
	}
	if in.URL != "https://acme.freshdesk.com/api/v2/tickets" || !in.Active || !in.Display.Enabled || in.ID != "" || in.TeamID != "" {
		t.Errorf("installed: url %q, active %v, display %v, id %q, team %q", in.URL, in.Active, in.Display.Enabled, in.ID, in.TeamID)
	}
	if len(in.Secrets) != 1 || in.Secrets[0].Name != "api_key" || in.Secrets[0].Value != "AbCdEfGhIjKlMnOpQrSt:X" {
		t.Errorf("secrets = %v", in.Secrets)
	}
	if !strings.Contains(string(in.Display.Template), "https://acme.freshdesk.com/a/tickets/{{id}}") {
		t.Error("the display template's link does not name the domain")
	}
	// Entries are fresh copies: changing one does not change the catalog.
	e, _ := catalog.Get("freshdesk-tickets")
	e.Integration.URL = "https://evil.example.com/"
	again, _ := catalog.Get("freshdesk-tickets")
	if again.Integration.URL == e.Integration.URL {
		t.Error("Get returns shared state")
	}
}

func TestInstallEntryWithoutIntegration(t *testing.T) {
	if _, err := (&catalog.Entry{ID: "x"}).Install(nil); err == nil {
		t.Error("Install of an entry without an integration succeeded")
	}
}

// TestSettingPatterns: a setting is written into the URL host and the display template as it
// is, so every setting's pattern must refuse what would change the host or the JSON.
func TestSettingPatterns(t *testing.T) {
	hostile := []string{"", "a.evil.com", "a/b", "a?b", "a#b", "a@b", "a:1", `a"b`, `a\b`, "a b", "{{x}}", "a}", "a\nb", "A", "a%2F", "..", "xn--a.b"}
	entries, err := catalog.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		for _, f := range e.Settings {
			re := regexp.MustCompile(f.Pattern)
			for _, h := range hostile {
				if re.MatchString(h) {
					t.Errorf("%s setting %s: pattern %q accepts %q", e.ID, f.Name, f.Pattern, h)
				}
			}
		}
	}
}

// FuzzInstall checks that no values make Install panic or return an integration that does not
// validate or that goes to another host than its entry's.
func FuzzInstall(f *testing.F) {
	f.Add("zendesk-tickets", "credentials", "a@b.c/token:abcdefghijklmnopqrstuvwxyz", "subdomain", "acme")
	f.Add("shopify-orders", "access_token", "shpat_0123456789abcdef0123456789abcdef", "shop", "x.evil.com")
	f.Add("calendly-events", "access_token", "eyJraWQiOiIxY2UxZTEzNjE3ZGNm", "organization", "https://api.calendly.com/organizations/AAAAAAAA&x=1")
	f.Add("stripe-customer", "api_key", "sk_live_\"}\r\n", "x", "y")
	f.Fuzz(func(t *testing.T, id, k1, v1, k2, v2 string) {
		in, err := catalog.Install(id, map[string]string{k1: v1, k2: v2})
		if err != nil {
			var ie *catalog.InstallError
			if !errors.Is(err, catalog.ErrNotFound) && !errors.As(err, &ie) {
				t.Fatalf("Install error %T %v", err, err)
			}
			return
		}
		if err := in.Validate(); err != nil {
			t.Fatalf("installed integration does not validate: %v", err)
		}
		e, _ := catalog.Get(id)
		// The host is the entry's, or a subdomain of the service's domain when the entry's
		// host starts with a setting.
		wantHost := strings.Split(strings.TrimPrefix(e.Integration.URL, "https://"), "/")[0]
		u, err := url.Parse(in.URL)
		if err != nil {
			t.Fatal(err)
		}
		if _, suffix, ok := strings.Cut(wantHost, "}}"); ok {
			if !strings.HasSuffix(u.Host, suffix) || strings.Contains(strings.TrimSuffix(u.Host, suffix), ".") {
				t.Fatalf("host %q is not one label before %q", u.Host, suffix)
			}
		} else if u.Host != wantHost {
			t.Fatalf("host %q, want %q", u.Host, wantHost)
		}
		if strings.Contains(in.URL, "{{setting.") {
			t.Fatal("placeholder left")
		}
	})
}

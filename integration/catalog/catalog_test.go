package catalog_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/catalog"
	"github.com/inboxkit/inboxkit/template"
	"github.com/inboxkit/inboxkit/template/render"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenNow is the clock of every golden render.
var goldenNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// wantIDs are the entries issue 14 asks for by ID, and the five more chosen from its list.
var wantIDs = []string{
	"calendly-events", "freshdesk-tickets", "hubspot-contact", "intercom-contact", "pipedrive-person",
	"salesforce-contact", "shopify-orders", "stripe-customer", "stripe-subscriptions", "zendesk-tickets",
}

// sampleValues returns install values for e that match every field's pattern.
func sampleValues(e *catalog.Entry) map[string]string {
	good := map[string]string{
		"stripe-customer/api_key":         "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
		"stripe-subscriptions/api_key":    "rk_live_4eC39HqLyjWDarjtT1zdp7dc",
		"shopify-orders/access_token":     "shpat_0123456789abcdef0123456789abcdef",
		"shopify-orders/shop":             "acme-shop",
		"hubspot-contact/access_token":    "pat-na1-11111111-2222-3333-4444-555555555555",
		"hubspot-contact/portal_id":       "2413084",
		"zendesk-tickets/credentials":     "agent@example.com/token:6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv",
		"zendesk-tickets/subdomain":       "acme",
		"intercom-contact/access_token":   "dG9rOjEyMzQ1Njc4OTBhYmNkZWY6MToxMg==",
		"pipedrive-person/api_token":      "0123456789abcdef0123456789abcdef01234567",
		"pipedrive-person/company":        "acme",
		"calendly-events/access_token":    "eyJraWQiOiIxY2UxZTEzNjE3ZGNmNzY2YjNjZWJjY2Y4ZGM1YmFmYThhNjVl",
		"calendly-events/organization":    "https://api.calendly.com/organizations/AAAAAAAAAAAAAAAA",
		"salesforce-contact/access_token": "00D5e000000abcd!AQ0AQH0dMHZfz972Szmpkb58urFRkgeBGsxL",
		"salesforce-contact/my_domain":    "acme",
		"freshdesk-tickets/api_key":       "AbCdEfGhIjKlMnOpQrSt",
		"freshdesk-tickets/domain":        "acme",
	}
	v := map[string]string{}
	for _, f := range append(slices.Clone(e.Secrets), e.Settings...) {
		v[f.Name] = good[e.ID+"/"+f.Name]
	}
	return v
}

func renderText(t *testing.T, def, data []byte) (string, *template.Output) {
	t.Helper()
	tp, err := template.Parse(def)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	out, err := tp.Render(data, &template.RenderOptions{Now: goldenNow})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	var b bytes.Buffer
	if err := render.Text(&b, out); err != nil {
		t.Fatal(err)
	}
	return b.String(), out
}

func checkGolden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./integration/catalog -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", file, diff)
	}
}

func TestListHasTheEntries(t *testing.T) {
	entries, err := catalog.List()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Errorf("List() IDs mismatch (-want +got):\n%s", diff)
	}
}

// TestEntries checks every entry: its metadata, that it installs into an integration that
// validates, and that its sample renders without diagnostics into the golden text.
func TestEntries(t *testing.T) {
	entries, err := catalog.List()
	if err != nil {
		t.Fatal(err)
	}
	categories := []string{catalog.CategoryBilling, catalog.CategoryCommerce, catalog.CategoryCRM, catalog.CategorySupport, catalog.CategoryScheduling}
	for _, e := range entries {
		t.Run(e.ID, func(t *testing.T) {
			t.Parallel()
			if e.Name == "" || e.Description == "" || !slices.Contains(categories, e.Category) {
				t.Errorf("entry lacks a name or description, or has category %q", e.Category)
			}
			if len(e.Secrets) == 0 {
				t.Error("entry has no secret: every service here needs a credential")
			}
			for _, f := range append(slices.Clone(e.Secrets), e.Settings...) {
				if f.Name == "" || f.Label == "" || f.Help == "" {
					t.Errorf("field %+v lacks a name, label or help", f)
				}
				if f.Pattern != "" {
					if _, err := regexp.Compile(f.Pattern); err != nil {
						t.Errorf("field %s: %v", f.Name, err)
					}
				}
			}
			if !strings.HasPrefix(e.Sample.Reference, "https://") {
				t.Errorf("sample reference %q is not an https URL", e.Sample.Reference)
			}
			in := e.Integration
			if !strings.HasPrefix(in.URL, "https://") || in.CacheMinutes <= 0 || !slices.Contains(in.RequiredVariables, "contact.email") {
				t.Errorf("integration: url %q, cache %d min, required %v", in.URL, in.CacheMinutes, in.RequiredVariables)
			}
			for _, h := range in.Headers {
				if strings.Contains(strings.ToLower(h.Name), "auth") || strings.Contains(strings.ToLower(h.Name), "token") {
					if !strings.Contains(h.Value, "{{secret.") {
						t.Errorf("credential header %s does not use a {{secret.NAME}}", h.Name)
					}
				}
			}
			got, err := catalog.Install(e.ID, sampleValues(e))
			if err != nil {
				t.Fatalf("Install: %v", err)
			}
			if err := got.Validate(); err != nil {
				t.Fatalf("installed integration does not validate: %v", err)
			}
			if strings.Contains(got.URL+got.Body+string(got.Display.Template), "{{setting.") {
				t.Error("installed integration keeps a {{setting.NAME}} placeholder")
			}
			text, out := renderText(t, got.Display.Template, e.Sample.Response)
			if len(out.Diagnostics) > 0 {
				t.Errorf("sample renders with diagnostics: %+v", out.Diagnostics)
			}
			checkGolden(t, filepath.Join("testdata", e.ID+".golden.txt"), []byte(text))
		})
	}
}

func TestGetUnknown(t *testing.T) {
	for _, id := range []string{"", "nope", "../catalog", "entries/stripe-customer", "STRIPE-CUSTOMER", "stripe-customer.json"} {
		if _, err := catalog.Get(id); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("Get(%q) error = %v, want ErrNotFound", id, err)
		}
		if _, err := catalog.Install(id, nil); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("Install(%q) error = %v, want ErrNotFound", id, err)
		}
	}
}

var _ = integration.Redacted

package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An admin opens the catalog: every entry shows its sample as a rendered card. A malformed
// token is refused at its field; the right values install the entry and open its page.
func TestCatalogGalleryInstall(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/catalog")
	p.waitFor("the gallery", `document.querySelectorAll("#catalog article.entry").length >= 10 && !document.getElementById("catalog").hasAttribute("aria-busy")`)
	statuses := eval[[]string](p, `__t.statuses(document.getElementById("catalog"))`)
	if len(statuses) < 10 {
		t.Fatalf("gallery cards = %v, want one per entry", statuses)
	}
	for i, s := range statuses {
		if s != "ok" {
			t.Errorf("card %d status %q, want ok", i, s)
		}
	}
	stripe := eval[string](p, `__t.text(document.querySelector('[data-entry="stripe-customer"] inboxkit-card'))`)
	if !strings.Contains(stripe, "Jenny Rosen") || !strings.Contains(stripe, "-$15.00") {
		t.Errorf("stripe-customer card text = %q, want the sample customer and balance", stripe)
	}
	p.fullScreenshot("catalog-gallery")

	// A token that is not a Shopify token is refused at its field, and nothing is created.
	form := `[data-entry="shopify-orders"] form`
	p.do(
		typeInto("install-shopify-orders-access_token", "sk_live_not_shopify"),
		typeInto("install-shopify-orders-shop", "acme-store"),
		chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)),
	)
	p.waitFor("the field problem", `document.querySelector('#install-shopify-orders-access_token[aria-invalid="true"]') && document.querySelector('`+form+` .field-problem')`)
	if hash := eval[string](p, `location.hash`); hash != "#/catalog" {
		t.Fatalf("a refused install left the gallery for %s", hash)
	}
	// The browser logs the refused request's 422, and nothing else.
	for _, s := range p.takeProblems() {
		if !strings.Contains(s, "status of 422") {
			t.Errorf("script error or CSP violation: %s", s)
		}
	}

	p.do(
		typeInto("install-shopify-orders-access_token", "shpat_0123456789abcdefABCDEF"),
		chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)),
	)
	p.waitFor("the installed integration's page", `/^#\/integrations\/[0-9a-f]+/.test(location.hash)`)
	id := strings.Split(eval[string](p, `location.hash`), "/")[2]
	var in struct {
		Name    string `json:"name"`
		URL     string `json:"url"`
		Active  bool   `json:"active"`
		Secrets []struct {
			Name, Value string
		} `json:"secrets"`
	}
	apiCall(t, base, "GET", "/integrations/"+id, nil, &in)
	if in.Name != "Shopify orders" || !strings.HasPrefix(in.URL, "https://acme-store.myshopify.com/") || !in.Active {
		t.Errorf("installed = %+v", in)
	}
	if len(in.Secrets) != 1 || strings.Contains(in.Secrets[0].Value, "shpat_") {
		t.Errorf("secrets answered as %+v, want one redacted", in.Secrets)
	}
	if got := p.takeProblems(); len(got) != 0 {
		t.Errorf("script errors or CSP violations: %v", got)
	}
}

package browsertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// upstream is a loopback API whose endpoints answer after a delay and count their calls.
type upstream struct {
	*httptest.Server
	mu    sync.Mutex
	calls map[string]int
}

func newUpstream(t *testing.T, routes map[string]func() (time.Duration, string)) *upstream {
	u := &upstream{calls: map[string]int{}}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, ok := routes[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		u.mu.Lock()
		u.calls[r.URL.Path]++
		u.mu.Unlock()
		delay, body := route()
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) count(path string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.calls[path]
}

func display(template string) json.RawMessage {
	return json.RawMessage(`{"enabled": true, "template": ` + template + `}`)
}

const kvTemplate = `{"version": 1, "sections": [{"type": "keyvalue", "title": "{{title}}", "items": [
  {"label": "Plan", "value": "{{plan}}", "format": {"type": "badge", "tones": {"Pro": "success"}}},
  {"label": "Balance", "value": "{{balance}}", "format": {"type": "currency", "currency": "USD"}}]}]}`

// The profile sheet streams: each card shows its own spinner until its upstream answers, and
// the cards arrive one at a time, not all at once when the slowest is done.
func TestProfileCardsArriveOneByOne(t *testing.T) {
	base := startConsole(t)
	clearInbox(t, base, "sales")
	body := func(title string) string {
		return `{"title": "` + title + `", "plan": "Pro", "balance": 1250.5}`
	}
	up := newUpstream(t, map[string]func() (time.Duration, string){
		"/fast":   func() (time.Duration, string) { return 800 * time.Millisecond, body("Fast") },
		"/medium": func() (time.Duration, string) { return 1600 * time.Millisecond, body("Medium") },
		"/slow":   func() (time.Duration, string) { return 2400 * time.Millisecond, body("Slow") },
	})
	var ids []string
	for _, name := range []string{"slow", "medium", "fast"} {
		ids = append(ids, addIntegration(t, base, "sales", integration{
			Name: strings.ToUpper(name[:1]) + name[1:], URL: up.URL + "/" + name, Active: true, Display: display(kvTemplate),
		}))
	}
	p := newPage(t, base)
	p.open("#/profile/sales/c_1001")

	// The history is sampled every 10 ms: wait for it, not only for the page, to reach the end.
	p.waitFor("every card", `__t.history[__t.history.length - 1] === "ok,ok,ok"`)
	// The cards are in attachment order (slow, medium, fast) and finish in the other order.
	seen := eval[[]string](p, `__t.history`)
	want := []string{"loading,loading,loading", "loading,loading,ok", "loading,ok,ok", "ok,ok,ok"}
	if !slices.Equal(seen, want) {
		t.Errorf("card states over time = %q, want %q", seen, want)
	}
	p.waitFor("the sheet's summary", `document.querySelector(".sheet-status").textContent.includes("3 cards in")`)

	// The rendered card: title, badge with its tone, formatted currency with the raw value.
	got := eval[map[string]any](p, `(() => {
		const c = document.querySelector('inboxkit-card[data-integration="`+ids[2]+`"]');
		const badge = c.shadowRoot.querySelector(".badge");
		const money = c.shadowRoot.querySelector('[data-kind="currency"]');
		return {
			title: c.shadowRoot.querySelector("h2").textContent,
			section: c.shadowRoot.querySelector("h3").textContent,
			badge: badge.textContent, tone: badge.className,
			money: money.textContent, raw: money.dataset.raw, currency: money.dataset.currency,
			updated: c.shadowRoot.querySelector(".meta").textContent,
			refresh: c.shadowRoot.querySelector("button.refresh").getAttribute("aria-label"),
		};
	})()`)
	wantCard := map[string]any{"title": "Fast", "section": "Fast", "badge": "Pro", "tone": "badge success",
		"money": "$1,250.50", "raw": "1250.5", "currency": "USD", "updated": "Updated just now", "refresh": "Refresh Fast"}
	for k, v := range wantCard {
		if got[k] != v {
			t.Errorf("card %s = %v, want %v", k, got[k], v)
		}
	}
	p.screenshot("profile-sheet-sales")
}

// Refreshing one card reloads that card only, showing its spinner while the upstream
// answers; Refresh All reloads every card.
func TestProfileRefresh(t *testing.T) {
	base := startConsole(t)
	clearInbox(t, base, "sales")
	var mu sync.Mutex
	n := 0
	up := newUpstream(t, map[string]func() (time.Duration, string){
		"/a": func() (time.Duration, string) {
			mu.Lock()
			defer mu.Unlock()
			n++
			return 600 * time.Millisecond, `{"title": "Call ` + strconv.Itoa(n) + `", "plan": "Pro", "balance": 1}`
		},
		"/b": func() (time.Duration, string) { return 0, `{"title": "B", "plan": "Free", "balance": 2}` },
	})
	a := addIntegration(t, base, "sales", integration{Name: "A", URL: up.URL + "/a", Active: true, CacheMinutes: 30, Display: display(kvTemplate)})
	addIntegration(t, base, "sales", integration{Name: "B", URL: up.URL + "/b", Active: true, CacheMinutes: 30, Display: display(kvTemplate)})
	p := newPage(t, base)
	p.open("#/profile/sales/c_1002")
	p.waitFor("both cards", `__t.statuses(document.getElementById("cards")).join() === "ok,ok"`)
	cardA := `document.querySelector('inboxkit-card[data-integration="` + a + `"]')`
	p.waitFor("card A's first answer", `__t.text(`+cardA+`).includes("Call 1")`)

	p.do(chromedpClickInCard(a))
	p.waitFor("card A's spinner", cardA+`.hasAttribute("loading") && `+cardA+`.shadowRoot.querySelector(".spinner")`)
	if s := eval[[]string](p, `__t.statuses(document.getElementById("cards"))`); !slices.Equal(s, []string{"ok*", "ok"}) {
		t.Errorf("while refreshing A, states = %v, want [ok* ok]", s)
	}
	p.waitFor("card A's second answer", `__t.text(`+cardA+`).includes("Call 2") && !`+cardA+`.hasAttribute("loading")`)
	if got := [2]int{up.count("/a"), up.count("/b")}; got != [2]int{2, 1} {
		t.Errorf("upstream calls after refreshing A = %v, want [2 1]", got)
	}

	p.do(clickID("refresh-all"))
	p.waitFor("card A's third answer", `__t.text(`+cardA+`).includes("Call 3")`)
	p.waitFor("the sheet's summary", `document.querySelector(".sheet-status").textContent.includes("2 cards in")`)
	if got := [2]int{up.count("/a"), up.count("/b")}; got != [2]int{3, 2} {
		t.Errorf("upstream calls after Refresh All = %v, want [3 2]", got)
	}
}

// The demo profile: a card with a table of orders, a button to the CRM, and a card whose upstream
// fails, shown as a clear error card.
func TestProfileDemoSheet(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/profile/support/c_1001")
	p.waitFor("four cards", `__t.statuses(document.getElementById("cards")).join() === "ok,ok,error,ok"`)
	got := eval[map[string]any](p, `(() => {
		const [crm, , loyalty] = __t.cards(document.getElementById("cards"));
		const button = crm.shadowRoot.querySelector("a.button");
		return {
			count: crm.shadowRoot.querySelectorAll("section.table tbody tr").length,
			href: button.href, target: button.target, rel: button.rel, label: button.textContent,
			error: loyalty.shadowRoot.querySelector('[role="alert"]').textContent,
			category: loyalty.shadowRoot.querySelector('[role="alert"]').dataset.category,
			date: crm.shadowRoot.querySelector('[data-kind="date"]').dataset.raw,
		};
	})()`)
	want := map[string]any{"count": 3.0, "href": "https://crm.example.com/customers/12345", "target": "_blank",
		"rel": "noopener noreferrer", "label": "Open in CRM", "error": "The service failed (HTTP 503).", "category": "upstream_5xx",
		"date": `"2024-01-15T14:30:00Z"`}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	p.screenshot("profile-sheet")
}

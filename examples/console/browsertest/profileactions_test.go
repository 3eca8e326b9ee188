package browsertest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// received is one request an action's upstream got.
type received struct {
	Method, Path, Query, ContentType string
	Body                             []byte
}

// actionUpstream is a loopback CRM: GET /customer answers the card's data, anything else is
// an action, recorded and answered with a message the action's result_path picks.
type actionUpstream struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []received
}

func newActionUpstream(t *testing.T) *actionUpstream {
	u := &actionUpstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/customer" {
			io.WriteString(w, `{"name": "Ada Lovelace", "plan": "vip"}`)
			return
		}
		b, _ := io.ReadAll(r.Body)
		u.mu.Lock()
		u.reqs = append(u.reqs, received{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Content-Type"), b})
		n := len(u.reqs)
		u.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"result": {"text": "Note %d saved <img src=x onerror=\"window.__pwned=9\">"}}`, n)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *actionUpstream) requests() []received {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]received(nil), u.reqs...)
}

// The profile sheet runs an action end to end: the card from the API has the button, the
// agent fills the form with hostile text, confirms (clicking twice), and the upstream gets
// exactly one request whose path, query and JSON body hold the inputs escaped by position,
// with the agent from the console's Viewer; the card shows the message the upstream sent, as
// text. The page keeps its strict policy throughout.
func TestProfileRunsAction(t *testing.T) {
	base := startConsole(t)
	clearInbox(t, base, "sales")
	up := newActionUpstream(t)
	var in struct{ ID string }
	apiCall(t, base, "POST", "/integrations", map[string]any{
		"name": "CRM", "url": up.URL + "/customer?email={{contact.email}}", "active": true, "cache_minutes": 5,
		"display": json.RawMessage(`{"enabled": true, "template": {"version": 1, "sections": [{"type": "text", "text": "{{name}}"}]}}`),
		"actions": []map[string]any{{
			"name": "add_note", "label": `Note <img src=x onerror="window.__pwned=1">`, "method": "POST",
			"url":     up.URL + "/contacts/{{contact.id}}/notes/{{input.topic}}",
			"query":   []map[string]string{{"name": "priority", "value": "{{input.priority}}"}},
			"body":    `{"note": "{{input.note}}", "agent": "{{agent.email}}", "urgent": {{input.urgent}}}`,
			"confirm": `Add this note to <b>Ada</b>'s record?`, "result_path": "result.text",
			"fields": []map[string]any{
				{"name": "note", "label": "Note", "type": "textarea", "required": true, "max_length": 500},
				{"name": "topic", "label": "Topic", "type": "select", "options": []string{"../admin", "billing"}, "required": true},
				{"name": "priority", "label": "Priority", "type": "text", "default": "normal"},
				{"name": "urgent", "label": "Urgent", "type": "boolean"},
			},
		}},
	}, &in)
	apiCall(t, base, "PUT", "/inboxes/sales/integrations/"+in.ID, map[string]any{}, nil)

	p := newPage(t, base)
	p.open("#/profile/sales/c_1001")
	p.do(selectOption("user", "demo-agent"))
	p.waitFor("the card", `__t.statuses(document.getElementById("cards")).join() === "ok"`)
	card := `__t.cards(document.getElementById("cards"))[0]`
	button := card + `.shadowRoot.querySelector('button[data-action="add_note"]')`
	if got := eval[string](p, button+`.textContent + "|" + `+button+`.disabled`); got != `Note <img src=x onerror="window.__pwned=1">|false` {
		t.Fatalf("action button = %q", got)
	}
	p.do(chromedp.Click(chromedp.JSPath(button)))
	note := "Line \"1\"}, \"admin\": true, \"x\": \"\nLine 2 ../../etc <script>window.__pwned=2</script> \u202eevil"
	eval[bool](p, `(() => {
		const sr = `+card+`.shadowRoot;
		const set = (sel, v, ev) => { const c = sr.querySelector(sel); c.value = v; c.dispatchEvent(new Event(ev)); };
		set("textarea", `+jsString(note)+`, "input");
		set('select[data-field="topic"]', "../admin", "change");
		set('input[data-field="priority"]', "high&x=1 #frag", "input");
		return true;
	})()`)
	p.do(chromedp.Click(chromedp.JSPath(card + `.shadowRoot.querySelector('input[data-field="urgent"]')`)))
	p.do(chromedp.Click(chromedp.JSPath(card + `.shadowRoot.querySelector("form button[type=submit]")`)))
	p.waitFor("the confirmation", card+`.shadowRoot.querySelector(".confirm")`)
	if got := eval[string](p, card+`.shadowRoot.querySelector(".prompt").textContent`); got != `Add this note to <b>Ada</b>'s record?` {
		t.Errorf("prompt = %q", got)
	}
	submitAndConfirm := func() {
		t.Helper()
		doubleClick(p, card+`.shadowRoot.querySelector(".confirm button.primary")`)
	}
	// "../admin" would climb out of the contact's path: the API refuses it at its field and
	// sends nothing. One click: the refusal can come back before a second click would land,
	// which then presses whatever the form shows there.
	p.do(chromedp.Click(chromedp.JSPath(card + `.shadowRoot.querySelector(".confirm button.primary")`)))
	p.waitFor("the server's problem", card+`.shadowRoot.querySelector('select[data-field="topic"][aria-invalid=true]')`)
	problem := eval[map[string]any](p, `(() => {
		const sr = `+card+`.shadowRoot;
		const c = sr.querySelector('select[data-field="topic"]');
		const ids = c.getAttribute("aria-describedby").split(" ");
		return {message: sr.getElementById(ids[ids.length - 1]).textContent, focused: sr.activeElement === c,
			note: sr.querySelector("textarea").value === `+jsString(note)+`};
	})()`)
	checkMap(t, problem, map[string]any{"message": "the value cannot be sent where the action uses it", "focused": true, "note": true})
	if n := len(up.requests()); n != 0 {
		t.Errorf("a refused run reached the upstream: %d requests", n)
	}
	for _, s := range p.takeProblems() { // the browser logs the 422 it was meant to get
		if !strings.Contains(s, "status of 422") {
			t.Errorf("browser: %s", s)
		}
	}
	eval[bool](p, `(() => {
		const s = `+card+`.shadowRoot.querySelector('select[data-field="topic"]');
		s.value = "billing";
		s.dispatchEvent(new Event("change"));
		return true;
	})()`)
	p.do(chromedp.Click(chromedp.JSPath(card + `.shadowRoot.querySelector("form button[type=submit]")`)))
	p.waitFor("the confirmation", card+`.shadowRoot.querySelector(".confirm")`)
	submitAndConfirm() // a double click: one request
	p.waitFor("the result", card+`.shadowRoot.querySelector(".action-result").dataset.status === "ok"`)
	time.Sleep(300 * time.Millisecond) // a second request, if any, would have arrived
	p.screenshot("action-hostile-result")

	got := eval[map[string]any](p, `(() => {
		const r = `+card+`.shadowRoot.querySelector(".action-result");
		return {
			text: r.textContent, http: r.dataset.httpStatus || "", pwned: window.__pwned === undefined ? "no" : String(window.__pwned),
			images: [...document.querySelectorAll("*"), ...`+card+`.shadowRoot.querySelectorAll("*")].filter((e) => e.localName === "img").length,
		};
	})()`)
	checkMap(t, got, map[string]any{
		"text": `Note <img src=x onerror="window.__pwned=1">:Note 1 saved <img src=x onerror="window.__pwned=9">`,
		"http": "201", "pwned": "no", "images": 0.0,
	})

	reqs := up.requests()
	if len(reqs) != 1 {
		t.Fatalf("the upstream got %d action requests, want 1: %+v", len(reqs), reqs)
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/contacts/c_1001/notes/billing" || r.Query != "priority=high%26x%3D1+%23frag" {
		t.Errorf("request = %s %s ? %s", r.Method, r.Path, r.Query)
	}
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("the body is not JSON: %v\n%s", err, r.Body)
	}
	wantBody := map[string]any{"note": note, "agent": "alex@acme.example", "urgent": "true"} // a whole JSON value is written as a string
	if fmt.Sprint(body) != fmt.Sprint(wantBody) {
		t.Errorf("body = %v\nwant %v", body, wantBody)
	}

	// The policy is the strict one (no violation was reported either: the harness fails on any).
	res, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self';", "form-action 'none'", "require-trusted-types-for 'script'", "trusted-types 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("the policy lacks %q: %s", want, csp)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("the policy allows something unsafe: %s", csp)
	}
}

// The demo, as a visitor tries it: Ada's Customer Data card has an "Add note" button; the
// agent writes a note, pins it, confirms the default prompt, and the card shows the CRM's
// answer: the first note it received, pinned.
func TestProfileDemoAction(t *testing.T) {
	base := startConsole(t)
	p := newPage(t, base)
	p.open("#/profile/support/c_1001")
	p.waitFor("four cards", `__t.statuses(document.getElementById("cards")).join() === "ok,ok,error,ok"`)
	crm := `__t.cards(document.getElementById("cards"))[0]`
	buttons := eval[[]string](p, `__t.cards(document.getElementById("cards")).map((c) => __t.all(c, "button.action").map((b) => b.textContent).join("|"))`)
	if strings.Join(buttons, ",") != "Add note,,," {
		t.Fatalf("action buttons per card = %q, want Add note on Customer Data only", buttons)
	}
	p.do(chromedp.Click(chromedp.JSPath(crm + `.shadowRoot.querySelector('button[data-action="add_note"]')`)))
	p.waitFor("the form", crm+`.shadowRoot.activeElement && `+crm+`.shadowRoot.activeElement.localName === "textarea"`)
	p.do(chromedp.KeyEvent(`Called back: the parcel "arrived" dented}`))
	p.do(chromedp.Click(chromedp.JSPath(crm + `.shadowRoot.querySelector('input[data-field="pinned"]')`)))
	p.screenshot("profile-action-form")
	p.do(chromedp.Click(chromedp.JSPath(crm + `.shadowRoot.querySelector("form button[type=submit]")`)))
	p.waitFor("the confirmation", crm+`.shadowRoot.querySelector(".confirm")`)
	if got := eval[string](p, crm+`.shadowRoot.querySelector(".prompt").textContent`); got != `Run "Add note" for this contact?` {
		t.Errorf("prompt = %q", got)
	}
	doubleClick(p, crm+`.shadowRoot.querySelector(".confirm button.primary")`)
	p.waitFor("the result", crm+`.shadowRoot.querySelector(".action-result").dataset.status === "ok"`)
	if got := eval[string](p, crm+`.shadowRoot.querySelector(".action-result").textContent`); got != "Add note:Note n_1 saved on customer c_1001, pinned." {
		t.Errorf("result = %q", got)
	}
	p.screenshot("profile-action-result")
	// Another note is n_2: the first run reached the CRM exactly once.
	p.do(chromedp.Click(chromedp.JSPath(crm+`.shadowRoot.querySelector('button[data-action="add_note"]')`)), chromedp.KeyEvent("Second"))
	p.do(chromedp.Click(chromedp.JSPath(crm + `.shadowRoot.querySelector("form button[type=submit]")`)))
	p.waitFor("the confirmation", crm+`.shadowRoot.querySelector(".confirm")`)
	p.do(chromedp.Click(chromedp.JSPath(crm + `.shadowRoot.querySelector(".confirm button.primary")`)))
	p.waitFor("the second result", crm+`.shadowRoot.querySelector(".action-result").textContent === "Add note:Note n_2 saved on customer c_1001."`)
}

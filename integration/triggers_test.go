package integration_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
)

const orderJSON = `{"order": {"number": 1001, "status": "shipped", "total": 42, "url": "https://shop.example.com/o/1001"}}`

// orderIntegration is an order lookup with a trigger on conversation.resolved.
func orderIntegration(url string, triggers ...integration.Trigger) *integration.Integration {
	if len(triggers) == 0 {
		triggers = []integration.Trigger{{
			Name: "shipped", On: integration.EventConversationResolved, Icon: "truck",
			Text: `Order #{{order.number}} {{order.status}} — {{order.total | currency:"USD"}}`,
			Link: "https://shop.example.com/orders/{{order.number}}",
		}}
	}
	return &integration.Integration{
		Name: "Orders", URL: url + "/orders?email={{contact.email}}", Active: true, CacheMinutes: 5,
		Triggers: triggers,
	}
}

func resolved(id string) *integration.ConversationEvent {
	return &integration.ConversationEvent{
		ID: id, Type: integration.EventConversationResolved, InboxID: "a1", Contact: ada,
		Conversation: integration.Conversation{ID: "conv-7", Status: "resolved", Labels: []string{"VIP"}},
		OccurredAt:   time.Date(2024, 1, 15, 9, 30, 0, 0, time.UTC),
	}
}

func TestRunTriggers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, jsonReply(orderJSON))
	in := e.create(t, orderIntegration(up.URL), 1, "a1")
	acts, err := e.svc.RunTriggers(t.Context(), memberA, resolved("evt_9"))
	if err != nil {
		t.Fatal(err)
	}
	want := []integration.Activity{{
		IntegrationID: in.ID, Trigger: "shipped", Key: in.ID + "/shipped/evt_9", Status: integration.StatusOK,
		Text: "Order #1001 shipped — $42.00", Link: "https://shop.example.com/orders/1001", Icon: "truck",
		OccurredAt: time.Date(2024, 1, 15, 9, 30, 0, 0, time.UTC),
	}}
	if diff := cmp.Diff(want, acts); diff != "" {
		t.Errorf("RunTriggers mismatch (-want +got):\n%s", diff)
	}
	if got := up.last(t).RawQuery; got != "email=ada%2Btest%40example.com" {
		t.Errorf("upstream query = %q", got)
	}
	// The second report of the event is served from the cache, with the same key.
	acts, err = e.svc.RunTriggers(t.Context(), memberA, resolved("evt_9"))
	if err != nil || len(acts) != 1 || !acts[0].FromCache || acts[0].Key != want[0].Key {
		t.Fatalf("second run = %+v, %v; want the same activity from the cache", acts, err)
	}
	if up.calls() != 1 {
		t.Errorf("upstream called %d times; want 1", up.calls())
	}
}

func TestRunTriggersMatching(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, jsonReply(orderJSON))
	in := e.create(t, orderIntegration(up.URL,
		integration.Trigger{Name: "vip_order", On: integration.EventConversationLabelAdded, Label: "vip", Text: "VIP order {{order.number}}"},
		integration.Trigger{Name: "labelled", On: integration.EventConversationLabelAdded, Text: "Labelled: {{order.status}}"},
		integration.Trigger{Name: "new_order", On: integration.EventConversationCreated, Text: "New: {{order.number}}"},
	), 1, "a1")
	other := e.create(t, orderIntegration(up.URL, integration.Trigger{Name: "other", On: integration.EventConversationLabelAdded, Text: "Other {{order.number}}"}), 2, "a1")
	inactive := orderIntegration(up.URL, integration.Trigger{Name: "never", On: integration.EventConversationLabelAdded, Text: "never"})
	inactive.Active = false
	e.create(t, inactive, 3, "a1")
	e.create(t, orderIntegration(up.URL, integration.Trigger{Name: "other_inbox", On: integration.EventConversationLabelAdded, Text: "other inbox"}), 1, "a2")

	run := func(typ, label string) []string {
		t.Helper()
		ev := resolved("e1")
		ev.Type, ev.Label = typ, label
		acts, err := e.svc.RunTriggers(t.Context(), memberA, ev)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range acts {
			got = append(got, fmt.Sprintf("%s/%s %s", a.IntegrationID, a.Trigger, a.Text))
		}
		return got
	}
	tests := []struct {
		typ, label string
		want       []string
	}{
		{integration.EventConversationLabelAdded, "VIP", []string{in.ID + "/vip_order VIP order 1001", in.ID + "/labelled Labelled: shipped", other.ID + "/other Other 1001"}},
		{integration.EventConversationLabelAdded, "billing", []string{in.ID + "/labelled Labelled: shipped", other.ID + "/other Other 1001"}},
		{integration.EventConversationCreated, "", []string{in.ID + "/new_order New: 1001"}},
		{integration.EventConversationAssigned, "", nil},
		{"conversation.exploded", "", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, run(tt.typ, tt.label)); diff != "" {
			t.Errorf("%s %q mismatch (-want +got):\n%s", tt.typ, tt.label, diff)
		}
	}
	if up.calls() != 2 {
		t.Errorf("upstream called %d times; want 2 (one per integration, cached after)", up.calls())
	}
}

func TestRunTriggersNotApplicable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, jsonReply(orderJSON))
	cond := orderIntegration(up.URL)
	cond.Condition = json.RawMessage(`{"path": "conversation.labels", "op": "contains", "value": "refund"}`)
	condIn := e.create(t, cond, 1, "a1")
	req := orderIntegration(up.URL)
	req.RequiredVariables = []string{"contact.attributes.shop_id"}
	reqIn := e.create(t, req, 2, "a1")
	empty := e.create(t, orderIntegration(up.URL, integration.Trigger{Name: "empty", On: integration.EventConversationResolved, Text: "{{nothing}}"}), 3, "a1")
	acts, err := e.svc.RunTriggers(t.Context(), memberA, resolved("e1"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range acts {
		got = append(got, fmt.Sprintf("%s %s %s %v %q", a.IntegrationID, a.Status, a.Reason, a.Missing, a.Text))
	}
	want := []string{
		condIn.ID + " not_applicable condition_not_met [] \"\"",
		reqIn.ID + " not_applicable missing_variables [contact.attributes.shop_id] \"\"",
		empty.ID + " not_applicable empty_text [] \"\"",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("activities mismatch (-want +got):\n%s", diff)
	}
	if up.calls() != 1 {
		t.Errorf("upstream called %d times; want 1 (only the integration that applies)", up.calls())
	}
}

func TestRunTriggersUpstreamFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var status atomic.Int32
	status.Store(http.StatusServiceUnavailable)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if s := int(status.Load()); s != http.StatusOK {
			w.WriteHeader(s)
			return
		}
		jsonReply(orderJSON)(w, r)
	})
	in := e.create(t, orderIntegration(up.URL), 1, "a1")
	acts, err := e.svc.RunTriggers(t.Context(), memberA, resolved("e1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 1 || acts[0].Status != integration.StatusError || !acts[0].Temporary() || acts[0].Text != "" ||
		acts[0].Error.Category != "upstream_5xx" || acts[0].Key != in.ID+"/shipped/e1" {
		t.Fatalf("activities = %+v; want one temporary upstream_5xx error", acts)
	}
	status.Store(http.StatusNotFound)
	acts, _ = e.svc.RunTriggers(t.Context(), memberA, resolved("e1"))
	if len(acts) != 1 || acts[0].Status != integration.StatusError || acts[0].Temporary() {
		t.Fatalf("activities = %+v; want one permanent error for a 404", acts)
	}
	status.Store(http.StatusOK)
	acts, _ = e.svc.RunTriggers(t.Context(), memberA, resolved("e1"))
	if len(acts) != 1 || acts[0].Status != integration.StatusOK || acts[0].Text != "Order #1001 shipped — $42.00" {
		t.Fatalf("activities = %+v; want the activity once the upstream recovers", acts)
	}
}

// A stale cached response is not used for an event: it may predate it. The activity fails
// with the upstream's error, temporary, so the host reports the event again.
func TestRunTriggersIgnoresStaleResponses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cache := &agingCache{m: map[httpexec.CacheKey]*httpexec.CacheEntry{}}
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Resolver:     noDNS{},
		Retry:        httpexec.RetryPolicy{MaxAttempts: 1},
		Cache:        cache,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Close() })
	svc := e.service(t, func(o *integration.Options) { o.Executor = exec })
	var down atomic.Bool
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		jsonReply(orderJSON)(w, r)
	})
	ctx := t.Context()
	in, err := svc.Create(ctx, adminA, orderIntegration(up.URL))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Attach(ctx, adminA, in.ID, "a1", 0); err != nil {
		t.Fatal(err)
	}
	if acts, err := svc.RunTriggers(ctx, memberA, resolved("e1")); err != nil || acts[0].Status != integration.StatusOK {
		t.Fatalf("RunTriggers = %+v, %v", acts, err)
	}
	down.Store(true)
	cache.mu.Lock()
	cache.aged = true
	cache.mu.Unlock()
	// A profile card shows the stale response; a trigger does not use it.
	cards, err := svc.Profile(ctx, memberA, &integration.ProfileRequest{InboxID: "a1", Contact: ada})
	if err != nil || !cards[0].Stale {
		t.Fatalf("Profile = %+v, %v; want a stale card", cards, err)
	}
	acts, err := svc.RunTriggers(ctx, memberA, resolved("e2"))
	if err != nil || len(acts) != 1 || acts[0].Status != integration.StatusError || acts[0].Text != "" ||
		acts[0].Error.Category != httpexec.CategoryUpstream5xx || !acts[0].Temporary() {
		t.Fatalf("RunTriggers on a stale response = %+v, %v; want a temporary upstream_5xx error", acts, err)
	}
}

func TestRunTriggersHostileData(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hostile := `{"order": {"number": "1001\r\nX-Injected: 1", "status": "\u202eshipped\u200b<script>alert(1)</script>", "total": "42",
		"url": "javascript:alert(document.cookie)", "sku": "a/b?c&d=e f", "path": "../../admin?x=1#f", "long": "` + strings.Repeat("é", 700) + `"}}`
	up := newUpstream(t, jsonReply(hostile))
	in := e.create(t, orderIntegration(up.URL,
		integration.Trigger{Name: "order", On: integration.EventConversationResolved, Text: "Order #{{order.number}} {{order.status}} — {{order.total | currency:\"USD\"}}", Link: "{{order.url}}"},
		integration.Trigger{Name: "long", On: integration.EventConversationResolved, Text: "{{order.long}}", Link: "https://shop.example.com/o/{{order.path}}"},
		integration.Trigger{Name: "missing_link", On: integration.EventConversationResolved, Text: "Missing link value", Link: "https://shop.example.com/o/{{order.missing}}"},
		integration.Trigger{Name: "escaped", On: integration.EventConversationResolved, Text: "Escaped", Link: "https://shop.example.com/o/{{order.sku}}?q={{order.sku}}"},
	), 1, "a1")
	acts, err := e.svc.RunTriggers(t.Context(), memberA, resolved("e1"))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("é", integration.MaxActivityRunes-1) + "…"
	want := []integration.Activity{
		{IntegrationID: in.ID, Trigger: "order", Key: in.ID + "/order/e1", Status: integration.StatusOK,
			Text: "Order #1001 X-Injected: 1 shipped<script>alert(1)</script> — $42.00"},
		// A value with a dot segment cannot be a path segment: the link is left out.
		{IntegrationID: in.ID, Trigger: "long", Key: in.ID + "/long/e1", Status: integration.StatusOK, Text: long},
		{IntegrationID: in.ID, Trigger: "missing_link", Key: in.ID + "/missing_link/e1", Status: integration.StatusOK, Text: "Missing link value"},
		{IntegrationID: in.ID, Trigger: "escaped", Key: in.ID + "/escaped/e1", Status: integration.StatusOK, Text: "Escaped",
			Link: "https://shop.example.com/o/a%2Fb%3Fc&d=e%20f?q=a%2Fb%3Fc%26d%3De+f"},
	}
	if diff := cmp.Diff(want, acts, cmpIgnoreTime); diff != "" {
		t.Errorf("activities mismatch (-want +got):\n%s", diff)
	}
}

func TestRunTriggersChained(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/orders") {
			jsonReply(`{"customer": {"id": "cu/7"}}`)(w, r)
			return
		}
		jsonReply(`{"orders": [{"number": 1001, "total": 1999}]}`)(w, r)
	})
	in := &integration.Integration{
		Name: "Chain", URL: up.URL + "/customers?email={{contact.email}}", Active: true, StepName: "lookup",
		Steps: []integration.Step{{Name: "orders", URL: up.URL + "/customers/{{steps.lookup.body.customer.id}}/orders"}},
		Triggers: []integration.Trigger{{Name: "chained", On: integration.EventConversationResolved,
			Text: `Last order {{steps.orders.body.orders.0.number}}: {{steps.orders.body.orders.0.total | currency_minor:"EUR"}}`}},
	}
	in = e.create(t, in, 1, "a1")
	acts, err := e.svc.RunTriggers(t.Context(), memberA, resolved("e1"))
	if err != nil || len(acts) != 1 || acts[0].Text != "Last order 1001: €19.99" {
		t.Fatalf("RunTriggers = %+v, %v", acts, err)
	}
	if got := up.last(t).Path; got != "/customers/cu%2F7/orders" {
		t.Errorf("second step path = %q", got)
	}
}

func TestRunTriggersScope(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, jsonReply(orderJSON))
	e.create(t, orderIntegration(up.URL), 1, "a1")
	ev := resolved("e1")
	if _, err := e.svc.RunTriggers(t.Context(), adminB, ev); !errors.Is(err, integration.ErrNotFound) {
		t.Errorf("another team's RunTriggers = %v; want ErrNotFound", err)
	}
	ev.InboxID = "nope"
	if _, err := e.svc.RunTriggers(t.Context(), memberA, ev); !errors.Is(err, integration.ErrNotFound) {
		t.Errorf("unknown inbox = %v; want ErrNotFound", err)
	}
	if up.calls() != 0 {
		t.Errorf("upstream called %d times", up.calls())
	}
}

func TestRunTriggersInvalidEvent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name  string
		edit  func(*integration.ConversationEvent)
		paths []string
	}{
		{"empty", func(ev *integration.ConversationEvent) { *ev = integration.ConversationEvent{} }, []string{"/id", "/type", "/inbox_id", "/conversation/id"}},
		{"control characters", func(ev *integration.ConversationEvent) { ev.ID = "e\r\n1"; ev.Label = "a\x00" }, []string{"/id", "/label"}},
		{"too long", func(ev *integration.ConversationEvent) { ev.Conversation.ID = strings.Repeat("c", 257) }, []string{"/conversation/id"}},
		{"invalid UTF-8", func(ev *integration.ConversationEvent) { ev.Type = "conversation.\xff" }, []string{"/type"}},
		// C1 controls: package inbox refuses them in a post's key and conversation ID.
		{"C1 control characters", func(ev *integration.ConversationEvent) { ev.ID = "e\u00851"; ev.Conversation.ID = "c\u009b1" },
			[]string{"/id", "/conversation/id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := resolved("e1")
			tt.edit(ev)
			_, err := e.svc.RunTriggers(t.Context(), memberA, ev)
			ve, ok := errors.AsType[*integration.ValidationError](err)
			if !ok {
				t.Fatalf("RunTriggers = %v; want a ValidationError", err)
			}
			var paths []string
			for _, p := range ve.Problems {
				paths = append(paths, p.Path)
				if strings.ContainsAny(p.Message, "\r\n\x00") {
					t.Errorf("problem message %q repeats the value", p.Message)
				}
			}
			if diff := cmp.Diff(tt.paths, paths); diff != "" {
				t.Errorf("problem paths mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := e.svc.RunTriggers(t.Context(), memberA, nil); err == nil {
		t.Error("RunTriggers(nil) = nil error")
	}
}

func TestValidateTriggers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		triggers []integration.Trigger
		want     []string // path code
	}{
		{"valid", []integration.Trigger{
			{Name: "total", On: integration.EventConversationResolved, Text: `{{total | currency:"USD"}}`, Link: "{{url}}", Icon: "truck"},
			{Name: "vip", On: integration.EventConversationLabelAdded, Label: "VIP", Text: "x", Link: "HTTPS://x.example.com/{{id}}"},
		}, nil},
		{"missing name, on and text", []integration.Trigger{{}}, []string{"/triggers/0/name required", "/triggers/0/on required", "/triggers/0/text required"}},
		{"name with capitals", []integration.Trigger{{Name: "Shipped", On: integration.EventConversationResolved, Text: "x"}}, []string{"/triggers/0/name invalid"}},
		{"name with a path", []integration.Trigger{{Name: "a/../b", On: integration.EventConversationResolved, Text: "x"}}, []string{"/triggers/0/name invalid"}},
		{"name with a line break", []integration.Trigger{{Name: "a\r\nb", On: integration.EventConversationResolved, Text: "x"}}, []string{"/triggers/0/name invalid"}},
		{"name starting with a digit", []integration.Trigger{{Name: "1st", On: integration.EventConversationResolved, Text: "x"}}, []string{"/triggers/0/name invalid"}},
		{"name too long", []integration.Trigger{{Name: strings.Repeat("a", 33), On: integration.EventConversationResolved, Text: "x"}}, []string{"/triggers/0/name invalid"}},
		{"duplicate name", []integration.Trigger{
			{Name: "shipped", On: integration.EventConversationResolved, Text: "x"},
			{Name: "other", On: integration.EventConversationCreated, Text: "y"},
			{Name: "shipped", On: integration.EventConversationLabelAdded, Text: "z"},
		}, []string{"/triggers/2/name duplicate"}},
		{"unknown event", []integration.Trigger{{Name: "t", On: "conversation.closed", Text: "x"}}, []string{"/triggers/0/on invalid"}},
		{"label on another event", []integration.Trigger{{Name: "t", On: integration.EventConversationResolved, Label: "vip", Text: "x"}}, []string{"/triggers/0/label invalid"}},
		{"label with a line break", []integration.Trigger{{Name: "t", On: integration.EventConversationLabelAdded, Label: "v\nip", Text: "x"}}, []string{"/triggers/0/label invalid"}},
		{"bad icon", []integration.Trigger{{Name: "t", On: integration.EventConversationResolved, Text: "x", Icon: "<svg onload=x>"}}, []string{"/triggers/0/icon invalid"}},
		{"javascript link", []integration.Trigger{{Name: "t", On: integration.EventConversationResolved, Text: "x", Link: "javascript:alert(1)"}}, []string{"/triggers/0/link bad_url"}},
		{"binding supplies the host", []integration.Trigger{{Name: "t", On: integration.EventConversationResolved, Text: "x", Link: "https://{{host}}/x"}}, []string{"/triggers/0/link unsafe_url"}},
		{"binding with text before it", []integration.Trigger{{Name: "t", On: integration.EventConversationResolved, Text: "x", Link: "x{{url}}"}}, []string{"/triggers/0/link bad_url"}},
		{"bad binding in text", []integration.Trigger{{Name: "t", On: integration.EventConversationResolved, Text: "{{a | currency:\"XXX\"}}"}}, []string{"/triggers/0/text invalid_binding"}},
		{"bad path in text", []integration.Trigger{{Name: "t", On: integration.EventConversationResolved, Text: "{{a.*}}"}}, []string{"/triggers/0/text invalid_path"}},
		{"text too long", []integration.Trigger{{Name: "t", On: integration.EventConversationResolved, Text: strings.Repeat("x", 1001)}}, []string{"/triggers/0/text invalid"}},
		{"too many", make([]integration.Trigger, integration.MaxTriggers+1), []string{"/triggers out_of_range"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := &integration.Integration{Name: "x", URL: "https://x.example.com", Triggers: tt.triggers}
			var got []string
			if ve, ok := errors.AsType[*integration.ValidationError](in.Validate()); ok {
				for _, p := range ve.Problems {
					got = append(got, p.Path+" "+p.Code)
				}
			} else if err := in.Validate(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTriggersJSONAndClone(t *testing.T) {
	t.Parallel()
	in := orderIntegration("https://x.example.com")
	in.Triggers = append(in.Triggers, integration.Trigger{Name: "vip", On: integration.EventConversationLabelAdded, Label: "vip", Text: "x"})
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"triggers":[{"name":"shipped","on":"conversation.resolved","text":"Order #{{order.number}}`) ||
		!strings.Contains(string(b), `{"name":"vip","on":"conversation.label_added","label":"vip","text":"x"}`) {
		t.Errorf("encoding %s lacks the triggers", b)
	}
	var back integration.Integration
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in.Triggers, back.Triggers); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	c := in.Clone()
	c.Triggers[0].Text = "changed"
	if in.Triggers[0].Text == "changed" {
		t.Error("Clone shares Triggers")
	}
}

func TestActivityKey(t *testing.T) {
	t.Parallel()
	keys := map[string]bool{}
	for _, k := range [][3]string{
		{"a/t", "x", "b"}, {"a", "t/x", "b"}, {"a", "t", "x/b"}, {"a%2Ft", "x", "b"}, {"a", "t%2Fx", "b"},
		{"a", "t", "x%2Fb"}, {"a", "t", "b"}, {"a", "u", "b"}, {"a/../b", "t", "e"}, {"a", "t", "../e"},
	} {
		key := integration.ActivityKey(k[0], k[1], k[2])
		if keys[key] {
			t.Errorf("ActivityKey(%q, %q, %q) = %q collides", k[0], k[1], k[2], key)
		}
		keys[key] = true
	}
	if got := integration.ActivityKey("int/1", "shipped", "evt%9"); got != "int%2F1/shipped/evt%259" {
		t.Errorf("ActivityKey = %q", got)
	}
}

// An edit of the triggers is a new configuration: the compiled form follows it.
func TestRunTriggersAfterEdit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, jsonReply(orderJSON))
	in := e.create(t, orderIntegration(up.URL), 1, "a1")
	in.Triggers[0].Text = "Now: {{order.status}}"
	if _, err := e.svc.Update(t.Context(), adminA, in); err != nil {
		t.Fatal(err)
	}
	acts, err := e.svc.RunTriggers(t.Context(), memberA, resolved("e1"))
	if err != nil || len(acts) != 1 || acts[0].Text != "Now: shipped" || acts[0].Key != in.ID+"/shipped/e1" {
		t.Fatalf("RunTriggers after an edit = %+v, %v; want the new text under the same key", acts, err)
	}
}

// Inserting a trigger before another, or reordering them, between two reports of an event
// keeps every activity's key: a poster would post nothing twice.
func TestRunTriggersKeysSurviveReorder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, jsonReply(orderJSON))
	in := e.create(t, orderIntegration(up.URL), 1, "a1")
	keys := func() map[string]string {
		t.Helper()
		acts, err := e.svc.RunTriggers(t.Context(), memberA, resolved("e1"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, a := range acts {
			m[a.Trigger] = a.Key
		}
		return m
	}
	before := keys()
	total := integration.Trigger{Name: "total", On: integration.EventConversationResolved, Text: "{{order.total}}"}
	for _, ts := range [][]integration.Trigger{{total, in.Triggers[0]}, {in.Triggers[0], total}} {
		in.Triggers = ts
		var err error
		if in, err = e.svc.Update(t.Context(), adminA, in); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"shipped": before["shipped"], "total": in.ID + "/total/e1"}
		if diff := cmp.Diff(want, keys()); diff != "" {
			t.Errorf("keys after reordering mismatch (-want +got):\n%s", diff)
		}
	}
}

var cmpIgnoreTime = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".OccurredAt" }, cmp.Ignore())

// A live test run shows what each trigger would post for the response, and a secret the
// upstream echoes stays redacted there too.
func TestTestRunPreviewsActivities(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		jsonReply(`{"order": {"number": 1001, "status": "shipped", "total": 42, "echo": "`+r.Header.Get("Authorization")+`"}}`)(w, r)
	})
	in := orderIntegration(up.URL,
		integration.Trigger{Name: "order", On: integration.EventConversationResolved, Text: `Order #{{order.number}} — {{order.total | currency:"USD"}}`, Icon: "truck"},
		integration.Trigger{Name: "echo", On: integration.EventConversationLabelAdded, Text: "Echo: {{order.echo}}", Link: "{{order.missing}}"},
	)
	in.Headers = []integration.Header{{Name: "Authorization", Value: "Bearer " + testSecret, Secret: true}}
	res, err := e.svc.Test(t.Context(), adminA, &integration.TestRequest{Integration: in, Contact: ada, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []integration.Activity{
		{Trigger: "order", Status: integration.StatusOK, Text: "Order #1001 — $42.00", Icon: "truck"},
		{Trigger: "echo", Status: integration.StatusOK, Text: "Echo: " + integration.Redacted},
	}
	if diff := cmp.Diff(want, res.Activities); diff != "" {
		t.Errorf("Activities mismatch (-want +got):\n%s", diff)
	}
	if b := mustJSON(t, res); strings.Contains(b, testSecret) {
		t.Errorf("test result holds the secret: %s", b)
	}
}

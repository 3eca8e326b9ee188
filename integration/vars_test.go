package integration_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/integration"
)

// TestVariablesAreTheValidationList: every listed variable compiles in a URL and a body, and
// every name outside the list is rejected with a pointer to the field.
func TestVariablesAreTheValidationList(t *testing.T) {
	t.Parallel()
	for _, v := range integration.Variables() {
		name := v.Name
		if v.Prefix {
			name += "x"
		}
		if v.Description == "" || v.Example == "" {
			t.Errorf("variable %s has no description or example", v.Name)
		}
		in := &integration.Integration{Name: "n", URL: "https://api.example.com/x", Headers: []integration.Header{{Name: "X-V", Value: "{{" + name + "}}"}}}
		if v.HeaderOnly {
			in.Secrets = []integration.Secret{{Name: "x", Value: "s"}}
		}
		if err := in.Validate(); err != nil {
			t.Errorf("%s in a header: %v", name, err)
		}
		if got := integration.IsVariable(name); got == v.HeaderOnly {
			t.Errorf("IsVariable(%q) = %v, want %v", name, got, !v.HeaderOnly)
		}
	}
	for _, name := range []string{"agent.phone", "team", "now.utc", "conversation.labels.0", "contact.attributes."} {
		in := &integration.Integration{Name: "n", URL: "https://api.example.com/x?q={{" + name + "}}"}
		err := in.Validate()
		ve, ok := errors.AsType[*integration.ValidationError](err)
		if !ok || len(ve.Problems) != 1 || ve.Problems[0].Path != "/url" || ve.Problems[0].Code != integration.CodeUnknownVariable {
			t.Errorf("%s: Validate = %v, want one unknown_variable at /url", name, err)
		}
	}
}

// TestNewVariablesReachTheUpstream: agent.*, team.*, now and the new conversation fields are
// sent, each escaped by its position, now in the team's zone on the Service's clock.
func TestNewVariablesReachTheUpstream(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	clock := time.Date(2026, 3, 1, 23, 30, 45, 0, time.UTC)
	svc := e.service(t, func(o *integration.Options) { o.Now = func() time.Time { return clock } })
	up := newUpstream(t, jsonReply(`{}`))
	e.create(t, &integration.Integration{
		Name: "Everything", Method: integration.MethodPost, Active: true,
		URL:     up.URL + "/agents/{{agent.id}}?since={{now | add_days:-30 | date:\"2006-01-02\"}}&zone={{team.time_zone}}",
		Headers: []integration.Header{{Name: "X-Agent", Value: "{{agent.name}} <{{agent.email}}>"}},
		Body: `{"team": {{team.id}}, "team_name": "{{team.name}}", "now": {{now}}, "status": {{conversation.status}},
			"channel": {{conversation.channel}}, "assignee": {{conversation.assignee_id}}, "labels": {{conversation.labels}},
			"phone": {{contact.phone_number | e164}}, "filter": {{contact.email | json}}}`,
	}, 0, "a1")
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	cards, err := svc.Profile(t.Context(), memberA, &integration.ProfileRequest{
		InboxID: "a1", Contact: ada,
		Conversation: &integration.Conversation{ID: "cv1", Status: "open", Channel: "e-mail", AssigneeID: "ag/7", Labels: []string{"vip", `a"b`}},
		Agent:        &integration.Agent{ID: "ag/7", Name: "Grace", Email: "grace@helpdesk.example"},
		Team:         &integration.Team{Name: `Acme "Support"`, Location: tokyo},
	})
	if err != nil || cards[0].Status != integration.StatusOK {
		t.Fatalf("Profile = %s, %v", mustJSON(t, cards), err)
	}
	got := up.last(t)
	want := recorded{
		Method: "POST", Path: "/agents/ag%2F7", RawQuery: "since=2026-01-31&zone=Asia%2FTokyo",
		Body: `{"team": "team-a", "team_name": "Acme \"Support\"", "now": "2026-03-02T08:30:00+09:00", "status": "open",
			"channel": "e-mail", "assignee": "ag/7", "labels": "vip,a\"b",
			"phone": "+442079460000", "filter": "\"ada+test@example.com\""}`,
	}
	if diff := cmp.Diff(want, got, cmpRecorded); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	if h := got.Header.Get("X-Agent"); h != "Grace <grace@helpdesk.example>" {
		t.Errorf("X-Agent = %q", h)
	}
}

// cmpRecorded compares recorded requests without their headers.
var cmpRecorded = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Header" }, cmp.Ignore())

func TestFilters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tmpl    string
		attr    string
		want    string
		wantErr bool // the request cannot be built for this value
	}{
		{tmpl: `{{contact.attributes.v | date:"02 Jan 2006"}}`, attr: "2024-01-15T10:00:00-05:00", want: "15+Jan+2024"},
		{tmpl: `{{contact.attributes.v | date:"2006-01-02"}}`, attr: "1700000000", want: "2023-11-14"},
		{tmpl: `{{contact.attributes.v | date:"Jan 2"}}`, attr: "2024-02-29", want: "Feb+29"},
		{tmpl: `{{contact.attributes.v | date:"2006"}}`, attr: "yesterday", wantErr: true},
		{tmpl: `{{contact.attributes.v | date:"2006" | default:"none"}}`, attr: "", want: "none"},
		{tmpl: `{{contact.attributes.v | add_days:1}}`, attr: "2024-02-28", want: "2024-02-29"},
		{tmpl: `{{contact.attributes.v | add_days:-1}}`, attr: "2024-03-01T00:30:00+01:00", want: "2024-02-29T00%3A30%3A00%2B01%3A00"},
		{tmpl: `{{contact.attributes.v | add_days:7}}`, attr: "0", want: "604800"},
		{tmpl: `{{contact.attributes.v | add_days:7}}`, attr: "../etc", wantErr: true},
		{tmpl: `{{contact.attributes.v | urlencode}}`, attr: "a b&c", want: "a%2Bb%2526c"},
		{tmpl: `{{contact.attributes.v | json}}`, attr: "say \"hi\"\n<b>", want: "%22say+%5C%22hi%5C%22%5Cn%5Cu003cb%5Cu003e%22"},
		{tmpl: `{{contact.attributes.v | e164}}`, attr: "+1 (415) 555-0100", want: "%2B14155550100"},
		{tmpl: `{{contact.attributes.v | e164}}`, attr: "0044 20 7946 0000", want: "%2B442079460000"},
		{tmpl: `{{contact.attributes.v | e164:"44"}}`, attr: "020 7946 0000", want: "%2B442079460000"},
		{tmpl: `{{contact.attributes.v | e164:"+1"}}`, attr: "415.555.0100", want: "%2B14155550100"},
		{tmpl: `{{contact.attributes.v | e164}}`, attr: "415 555 0100", wantErr: true},        // no country code
		{tmpl: `{{contact.attributes.v | e164}}`, attr: "+1 415 555 0100 x12", wantErr: true}, // extension
		{tmpl: `{{contact.attributes.v | e164}}`, attr: "+12", wantErr: true},                 // too short
		{tmpl: `{{contact.attributes.v | e164}}`, attr: "+1234567890123456", wantErr: true},   // too long
		{tmpl: `{{contact.attributes.v | e164}}`, attr: "+1\r\n415", wantErr: true},
	}
	for _, tt := range tests {
		in := &integration.Integration{Name: "n", URL: "https://api.example.com/x?q=" + tt.tmpl}
		e := newEnv(t)
		res, err := e.svc.Test(t.Context(), adminA, &integration.TestRequest{
			Integration: in, Contact: integration.Contact{Attributes: map[string]string{"v": tt.attr}},
		})
		if err != nil {
			t.Fatalf("%s: Test = %v", tt.tmpl, err)
		}
		if tt.wantErr {
			if res.Error == nil || res.Error.Category != "invalid_request" || strings.Contains(res.Detail, tt.attr) {
				t.Errorf("%s on %q: result %s, want an invalid_request error that does not repeat the value", tt.tmpl, tt.attr, mustJSON(t, res))
			}
			continue
		}
		if got, _ := strings.CutPrefix(res.Request.URL, "https://api.example.com/x?q="); got != tt.want || res.Error != nil {
			t.Errorf("%s on %q: q = %q (error %v), want %q", tt.tmpl, tt.attr, got, res.Error, tt.want)
		}
	}
}

func TestFilterArgumentsAreValidated(t *testing.T) {
	t.Parallel()
	for _, tmpl := range []string{
		`{{now | date:"no layout here"}}`, `{{now | date}}`, `{{now | add_days:1.5}}`, `{{now | add_days:99999}}`,
		`{{now | add_days}}`, `{{contact.phone_number | e164:"0044"}}`, `{{contact.phone_number | e164:"x"}}`,
		`{{contact.email | json:"x"}}`, `{{contact.email | urlencode:"x"}}`, `{{contact.email | nope}}`,
	} {
		in := &integration.Integration{Name: "n", URL: "https://api.example.com/x", Body: `{"q": "` + tmpl + `"}`, Method: integration.MethodPost}
		err := in.Validate()
		ve, ok := errors.AsType[*integration.ValidationError](err)
		if !ok || len(ve.Problems) != 1 || ve.Problems[0].Path != "/body" {
			t.Errorf("%s: Validate = %v, want one problem at /body", tmpl, err)
		}
	}
	for _, f := range integration.Filters() {
		if f.Name == "" || f.Description == "" || !strings.Contains(f.Example, f.Name) {
			t.Errorf("filter %+v: incomplete description", f)
		}
	}
}

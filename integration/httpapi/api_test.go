package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/httpapi"
)

// TestAdminFlow drives the admin screens' operations in the order an admin uses them.
func TestAdminFlow(t *testing.T) {
	e := newEnv(t, nil)

	var created integration.Integration
	e.mustDo(t, http.StatusCreated, "admin-a", "POST", "/integrations", e.integrationJSON("CRM"), &created)
	if created.ID == "" || created.Version != 1 || created.TeamID != "team-a" {
		t.Fatalf("created = %+v", created)
	}
	if created.Headers[0].Value != integration.Redacted {
		t.Errorf("secret header answered as %q, want redacted", created.Headers[0].Value)
	}

	var list httpapi.IntegrationList
	e.mustDo(t, http.StatusOK, "member-a", "GET", "/integrations", "", &list)
	if len(list.Integrations) != 1 || list.Integrations[0].ID != created.ID {
		t.Errorf("list = %+v", list)
	}
	e.mustDo(t, http.StatusOK, "admin-b", "GET", "/integrations", "", &list)
	if len(list.Integrations) != 0 {
		t.Errorf("team-b lists team-a's integrations: %+v", list)
	}

	// An update that round-trips the redacted secret keeps it; the version moves on.
	var got integration.Integration
	e.mustDo(t, http.StatusOK, "member-a", "GET", "/integrations/"+created.ID, "", &got)
	got.Name = "CRM (EU)"
	body, _ := json.Marshal(&got)
	var updated integration.Integration
	e.mustDo(t, http.StatusOK, "admin-a", "PUT", "/integrations/"+created.ID, string(withoutReadOnly(t, body)), &updated)
	if updated.Version != 2 || updated.Name != "CRM (EU)" {
		t.Errorf("updated = version %d name %q", updated.Version, updated.Name)
	}
	// The same edit again is stale.
	resp, b := e.do(t, "admin-a", "PUT", "/integrations/"+created.ID, string(withoutReadOnly(t, body)))
	if p := problem(t, resp, b); resp.StatusCode != http.StatusConflict || p.Code != httpapi.CodeConflict {
		t.Errorf("stale update = %d %s, want 409 conflict", resp.StatusCode, b)
	}

	// Attach, attach a second one last, disable, reorder.
	second := e.create(t, "Billing", "", 0)
	var atts httpapi.AttachmentList
	e.mustDo(t, http.StatusOK, "admin-a", "PUT", "/inboxes/a1/integrations/"+created.ID, `{"position": 5}`, &atts)
	e.mustDo(t, http.StatusOK, "admin-a", "PUT", "/inboxes/a1/integrations/"+second.ID, `{}`, &atts)
	e.mustDo(t, http.StatusOK, "admin-a", "PUT", "/inboxes/a1/integrations/"+created.ID+"/enabled", `{"enabled": false}`, &atts)
	e.mustDo(t, http.StatusOK, "admin-a", "PUT", "/inboxes/a1/card-order", `{"integration_ids": ["`+second.ID+`", "`+created.ID+`"]}`, &atts)
	type row struct {
		ID       string
		Position int
		Enabled  bool
	}
	var rows []row
	for _, a := range atts.Attachments {
		rows = append(rows, row{a.Integration.ID, a.Attachment.Position, a.Attachment.Enabled})
	}
	if diff := cmp.Diff([]row{{second.ID, 1, true}, {created.ID, 2, false}}, rows); diff != "" {
		t.Errorf("attachments (-want +got):\n%s", diff)
	}
	e.mustDo(t, http.StatusOK, "member-a", "GET", "/inboxes/a1/integrations", "", &atts)
	if len(atts.Attachments) != 2 || atts.InboxID != "a1" {
		t.Errorf("listInboxIntegrations = %+v", atts)
	}
	e.mustDo(t, http.StatusOK, "admin-a", "DELETE", "/inboxes/a1/integrations/"+second.ID, "", &atts)
	if len(atts.Attachments) != 1 {
		t.Errorf("after detach: %+v", atts)
	}

	// Delete; then it is gone for everyone.
	e.mustDo(t, http.StatusNoContent, "admin-a", "DELETE", "/integrations/"+created.ID, "", nil)
	resp, b = e.do(t, "admin-a", "GET", "/integrations/"+created.ID, "")
	if p := problem(t, resp, b); p.Code != httpapi.CodeNotFound {
		t.Errorf("get after delete = %d %s", resp.StatusCode, b)
	}
	if strings.Contains(e.logs.String(), testSecret) {
		t.Error("the logs contain the secret")
	}
}

// withoutReadOnly drops the fields the server assigns from an integration's JSON, as a form
// that edits only what an admin can edit would.
func withoutReadOnly(t *testing.T, b []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "created_at")
	delete(m, "updated_at")
	out, _ := json.Marshal(m)
	return out
}

func TestTestIntegration(t *testing.T) {
	e := newEnv(t, nil)
	in := e.create(t, "CRM", "", 0)
	sample := `"contact": {"email": "zoe+1@example.com"}, "inbox": {"id": "a1", "name": "Support"}`

	var dry testResult
	e.mustDo(t, http.StatusOK, "admin-a", "POST", "/integrations/test", `{"integration": {"id": "`+in.ID+`", "name": "CRM", "url": "`+e.upstream.URL+`/c?email={{contact.email}}", "version": 1,
	  "headers": [{"name": "Authorization", "value": "••••", "secret": true}], "display": {"enabled": false}}, `+sample+`}`, &dry)
	if dry.Sent || !dry.Success || !strings.HasSuffix(dry.Request.URL, "/c?email=zoe%2B1%40example.com") {
		t.Errorf("dry run = %+v", dry)
	}
	if got := dry.Request.Header.Get("Authorization"); got != integration.Redacted {
		t.Errorf("dry run Authorization = %q, want redacted", got)
	}

	var live testResult
	e.mustDo(t, http.StatusOK, "admin-a", "POST", "/integrations/test", `{"integration": `+e.integrationJSON("New")+`, `+sample+`, "live": true}`, &live)
	if !live.Sent || !live.Success || live.StatusCode != 200 || live.Preview == nil {
		t.Errorf("live run = %+v", live)
	}
	// A live run against the cloud metadata address is refused by the executor's guard.
	var blocked struct {
		Sent  bool                   `json:"sent"`
		Error *integration.CardError `json:"error"`
	}
	e.mustDo(t, http.StatusOK, "admin-a", "POST", "/integrations/test", `{"integration": {"name": "Meta", "url": "http://169.254.169.254/latest/meta-data/"}, "live": true}`, &blocked)
	if blocked.Error == nil || blocked.Error.Category != httpexec.CategoryBlocked {
		t.Errorf("live run to the metadata address: %+v", blocked)
	}
	resp, b := e.do(t, "admin-a", "POST", "/integrations/test", `{"integration": {"name": "Poster", "method": "POST", "url": "`+e.upstream.URL+`/p", "body": "{}"}, "live": true}`)
	p := problem(t, resp, b)
	want := []httpapi.Problem{{Path: "/confirm_send", Code: httpapi.CodeConfirmationRequired, Message: "must be true for a live test of this method"}}
	if resp.StatusCode != 422 || p.Code != httpapi.CodeConfirmationRequired || !cmp.Equal(want, p.Problems) {
		t.Errorf("unconfirmed live POST = %d %s", resp.StatusCode, b)
	}
	resp, b = e.do(t, "admin-a", "POST", "/integrations/test", `{"integration": {"name": "", "url": "{{contact.nope}}"}}`)
	p = problem(t, resp, b)
	if resp.StatusCode != 422 || len(p.Problems) == 0 || !strings.HasPrefix(p.Problems[0].Path, "/integration/") {
		t.Errorf("invalid integration test = %d %s, want 422 with problems below /integration", resp.StatusCode, b)
	}
	resp, b = e.do(t, "member-a", "POST", "/integrations/test", `{"integration": {"name": "x", "url": "https://x.test/"}}`)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("member test run = %d %s, want 403", resp.StatusCode, b)
	}
	if strings.Contains(string(b), testSecret) {
		t.Error("a test result contains the secret")
	}
}

func TestTemplates(t *testing.T) {
	e := newEnv(t, nil)
	const tmpl = `{"version": 1, "sections": [{"type": "keyvalue", "items": [{"label": "Plan", "value": "{{plan}}", "format": {"type": "badge"}}]}]}`

	var v httpapi.ValidationResult
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/templates/validate", `{"template": `+tmpl+`}`, &v)
	if !v.Valid || len(v.Problems) != 0 {
		t.Errorf("valid template: %+v", v)
	}
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/templates/validate",
		`{"template": {"version": 1, "sections": [{"type": "keyvalue", "items": [{"label": "A", "value": "{{a"}]}, {"type": "nope"}]}}`, &v)
	if v.Valid || len(v.Problems) != 2 || v.Problems[0].Path != "/template/sections/0/items/0/value" || v.Problems[1].Path != "/template/sections/1/type" {
		t.Errorf("invalid template: %+v", v)
	}

	var pv struct{ Output *output }
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/templates/preview", `{"template": `+tmpl+`, "sample": {"plan": "<img src=x onerror=alert(1)>"}}`, &pv)
	if got := pv.Output.Nodes[0].Items[0].Value.Text; got != "<img src=x onerror=alert(1)>" {
		t.Errorf("preview value = %q, want the markup as text", got)
	}
	resp, b := e.do(t, "member-a", "POST", "/templates/preview", `{"template": {"version": 9}, "sample": {}}`)
	if p := problem(t, resp, b); resp.StatusCode != 422 || len(p.Problems) == 0 || !strings.HasPrefix(p.Problems[0].Path, "/template") {
		t.Errorf("preview of an invalid template = %d %s", resp.StatusCode, b)
	}
	resp, b = e.do(t, "member-a", "POST", "/templates/preview", `{"template": `+tmpl+`, "sample": {}, "time_zone": "Mars/Olympus"}`)
	if p := problem(t, resp, b); resp.StatusCode != 422 || p.Problems[0].Path != "/time_zone" {
		t.Errorf("preview with an unknown zone = %d %s", resp.StatusCode, b)
	}
	deep := `{"template": ` + tmpl + `, "sample": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`
	resp, b = e.do(t, "member-a", "POST", "/templates/preview", deep)
	if p := problem(t, resp, b); resp.StatusCode != 422 || p.Problems[0].Path != "/sample" || p.Problems[0].Code != "too_deep" {
		t.Errorf("preview of a deep sample = %d %s", resp.StatusCode, b)
	}

	var presets httpapi.PresetList
	e.mustDo(t, http.StatusOK, "member-a", "GET", "/templates/presets", "", &presets)
	if len(presets.Presets) == 0 {
		t.Error("no presets")
	}
	var sug httpapi.SuggestResult
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/templates/suggest", `{"sample": {"name": "Ada", "orders": [{"id": 1}]}}`, &sug)
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/templates/validate", `{"template": `+string(sug.Template)+`}`, &v)
	if !v.Valid {
		t.Errorf("the suggested template is invalid: %+v", v.Problems)
	}

	for _, path := range []string{"/schemas/template.json", "/schemas/integration.json"} {
		resp, b := e.do(t, "member-a", "GET", path, "")
		var schema map[string]any
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/schema+json" || json.Unmarshal(b, &schema) != nil || schema["$schema"] == nil {
			t.Errorf("GET %s = %d %s %.80s", path, resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
	}
}

func TestProfile(t *testing.T) {
	e := newEnv(t, nil)
	crm := e.create(t, "CRM", "a1", 1)
	e.create(t, "Billing", "a1", 2)

	var p profile
	e.mustDo(t, http.StatusOK, "member-a", "GET", "/inboxes/a1/contacts/c-ada/profile?conversation_id=conv-1", "", &p)
	if len(p.Cards) != 2 || p.Cards[0].Name != "CRM" || p.Cards[0].Status != integration.StatusOK || p.Cards[0].FromCache {
		t.Fatalf("profile = %+v", p)
	}
	e.mustDo(t, http.StatusOK, "member-a", "GET", "/inboxes/a1/contacts/c-ada/profile", "", &p)
	if !p.Cards[0].FromCache || e.calls.Load() != 2 {
		t.Errorf("second load: from cache %v, upstream calls %d (want cached, 2)", p.Cards[0].FromCache, e.calls.Load())
	}
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/inboxes/a1/contacts/c-ada/profile/refresh", `{"integration_id": "`+crm.ID+`"}`, &p)
	if len(p.Cards) != 1 || p.Cards[0].FromCache || e.calls.Load() != 3 {
		t.Errorf("refresh one card: %d cards, from cache %v, calls %d", len(p.Cards), p.Cards[0].FromCache, e.calls.Load())
	}
	e.mustDo(t, http.StatusOK, "member-a", "POST", "/inboxes/a1/contacts/c-ada/profile/refresh", `{}`, &p)
	if len(p.Cards) != 2 || e.calls.Load() != 5 {
		t.Errorf("refresh all: %d cards, calls %d", len(p.Cards), e.calls.Load())
	}
	e.mustDo(t, http.StatusOK, "member-a", "GET", "/inboxes/a1/contacts/c-none/profile", "", &p)
	if p.Cards[0].Status != integration.StatusNotApplicable {
		t.Errorf("contact without email: %+v", p.Cards[0])
	}

	// invalidateCache: admins only; afterwards the next load calls the upstream again.
	resp, b := e.do(t, "member-a", "POST", "/cache/invalidations", `{"integration_id": "`+crm.ID+`"}`)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("member invalidation = %d %s", resp.StatusCode, b)
	}
	e.mustDo(t, http.StatusNoContent, "admin-a", "POST", "/cache/invalidations", `{"integration_id": "`+crm.ID+`"}`, nil)
	before := e.calls.Load()
	e.mustDo(t, http.StatusOK, "member-a", "GET", "/inboxes/a1/contacts/c-ada/profile", "", &p)
	if p.Cards[0].FromCache || e.calls.Load() != before+1 {
		t.Errorf("after invalidation: from cache %v, calls %d (want %d)", p.Cards[0].FromCache, e.calls.Load(), before+1)
	}

	// Dropping Ada's responses: her next load calls the upstreams, another contact's does not.
	e.mustDo(t, http.StatusOK, "member-a", "GET", "/inboxes/a1/contacts/c-none/profile", "", &p)
	before = e.calls.Load()
	e.mustDo(t, http.StatusNoContent, "member-a", "POST", "/cache/invalidations", `{"inbox_id": "a1", "contact_id": "c-ada"}`, nil)
	e.mustDo(t, http.StatusOK, "member-a", "GET", "/inboxes/a1/contacts/c-ada/profile", "", &p)
	if p.Cards[0].FromCache || p.Cards[1].FromCache || e.calls.Load() != before+2 {
		t.Errorf("after dropping Ada's responses: from cache %v/%v, calls %d (want %d)", p.Cards[0].FromCache, p.Cards[1].FromCache, e.calls.Load(), before+2)
	}
	resp, b = e.do(t, "admin-b", "POST", "/cache/invalidations", `{"inbox_id": "a1", "contact_id": "c-ada"}`)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("another team drops Ada's responses: %d %s", resp.StatusCode, b)
	}
	resp, b = e.do(t, "admin-a", "POST", "/cache/invalidations", `{"inbox_id": "a1"}`)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an inbox without a contact: %d %s", resp.StatusCode, b)
	}
	if strings.Contains(e.logs.String(), testSecret) {
		t.Error("the logs contain the secret")
	}
}

func TestOpenAPIServedUnderPrefix(t *testing.T) {
	e := newEnv(t, nil)
	resp, b := e.do(t, "", "GET", "/openapi.json", "")
	var doc struct {
		OpenAPI string              `json:"openapi"`
		Servers []map[string]string `json:"servers"`
		Paths   map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(b, &doc) != nil {
		t.Fatalf("GET /api/openapi.json = %d %.200s", resp.StatusCode, b)
	}
	if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0]["url"] != "/api" {
		t.Errorf("openapi %q servers %v, want 3.1.0 and /api", doc.OpenAPI, doc.Servers)
	}
	var ops []string
	for _, methods := range doc.Paths {
		for _, op := range methods {
			ops = append(ops, op.OperationID)
		}
	}
	// Every operation the issue names.
	for _, want := range []string{"listIntegrations", "getIntegration", "createIntegration", "updateIntegration", "deleteIntegration",
		"listInboxIntegrations", "attachIntegration", "detachIntegration", "setIntegrationEnabled", "reorderInboxIntegrations",
		"testIntegration", "validateTemplate", "previewTemplate", "listTemplatePresets", "suggestTemplate", "getTemplateSchema",
		"getIntegrationSchema", "loadProfile", "streamProfile", "refreshProfile", "invalidateCache", "receiveWebhook", "getOpenAPI",
		"listCatalog", "installCatalogEntry"} {
		if !strings.Contains(","+strings.Join(ops, ",")+",", ","+want+",") {
			t.Errorf("operation %s is missing from the document", want)
		}
	}
}

// The decoding side of response bodies: template.Value's raw JSON encodes but does not decode,
// so the tests read cards and previews through these.
type (
	output struct {
		Nodes []struct {
			Items []struct {
				Value struct{ Text string }
			}
		}
	}
	card struct {
		IntegrationID string             `json:"integration_id"`
		Name          string             `json:"name"`
		Status        integration.Status `json:"status"`
		FromCache     bool               `json:"from_cache"`
		Output        *output            `json:"output"`
	}
	profile    struct{ Cards []card }
	testResult struct {
		Request    integration.SentRequest `json:"request"`
		Sent       bool                    `json:"sent"`
		Success    bool                    `json:"success"`
		StatusCode int                     `json:"status_code"`
		Preview    *output                 `json:"preview"`
	}
)

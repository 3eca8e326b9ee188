package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/template"
)

// table lists every operation. The mux, the OpenAPI document and its tests are all made from
// it, so a route cannot exist without its documentation.
func (h *Handler) table() []*route {
	std := []int{400, 403, 404, 413, 415, 422}
	return []*route{
		{method: "GET", path: "/openapi.json", op: "getOpenAPI", tag: "meta", anonymous: true,
			summary: "This OpenAPI 3.1 document", ok: 200, document: true, media: "application/json", handle: h.getOpenAPI},

		{method: "GET", path: "/integrations", op: "listIntegrations", tag: "integrations",
			summary: "List the team's integrations", ok: 200, result: "IntegrationList", handle: h.listIntegrations},
		{method: "POST", path: "/integrations", op: "createIntegration", tag: "integrations",
			summary: "Create an integration", description: "Admins only. The id, version and times are assigned; secret values are sealed and come back redacted.",
			body: "IntegrationInput", ok: 201, result: "Integration", errors: std, handle: h.createIntegration},
		{method: "GET", path: "/integrations/{integration_id}", op: "getIntegration", tag: "integrations",
			summary: "Get an integration", ok: 200, result: "Integration", errors: []int{404}, handle: h.getIntegration},
		{method: "PUT", path: "/integrations/{integration_id}", op: "updateIntegration", tag: "integrations",
			summary:     "Update an integration",
			description: "Admins only. The body's version must be the stored one (409 otherwise). A secret whose value is omitted or redacted keeps its stored value. The integration's cached responses are dropped.",
			body:        "IntegrationInput", ok: 200, result: "Integration", errors: append(std, 409), handle: h.updateIntegration},
		{method: "DELETE", path: "/integrations/{integration_id}", op: "deleteIntegration", tag: "integrations",
			summary: "Delete an integration and its attachments", ok: 204, errors: []int{403, 404}, handle: h.deleteIntegration},
		{method: "POST", path: "/integrations/test", op: "testIntegration", tag: "integrations",
			summary:     "Test an integration with sample data",
			description: "Admins only. A dry run expands the request; a live run sends it (never through the cache) and renders the preview. A live run of a method other than GET needs confirm_send. With action (and inputs), the run tests that action of the integration instead, its inputs' problems at /inputs/NAME. Secret values are redacted everywhere in the result.",
			body:        "TestRequest", ok: 200, result: "TestResult", errors: std, handle: h.testIntegration},

		{method: "GET", path: "/catalog", op: "listCatalog", tag: "catalog",
			summary:     "List the ready-made integrations with their rendered samples",
			description: "Each entry names the secrets and settings installCatalogEntry takes and carries its display template rendered against the service's sample response (preview).",
			ok:          200, result: "CatalogList", handle: h.listCatalog},
		{method: "POST", path: "/catalog/{entry_id}/install", op: "installCatalogEntry", tag: "catalog",
			summary:     "Create an integration from a catalog entry",
			description: "Admins only. values maps each secret and setting of the entry to its value; every missing, malformed or unknown value is a 422 problem at /values/NAME. The integration is created active with its display enabled, not attached to any inbox; secret values come back redacted.",
			body:        "InstallRequest", ok: 201, result: "Integration", errors: std, handle: h.installCatalogEntry},

		{method: "GET", path: "/inboxes/{inbox_id}/integrations", op: "listInboxIntegrations", tag: "attachments",
			summary: "List an inbox's integrations in card order", ok: 200, result: "AttachmentList", errors: []int{404}, handle: h.listInboxIntegrations},
		{method: "PUT", path: "/inboxes/{inbox_id}/integrations/{integration_id}", op: "attachIntegration", tag: "attachments",
			summary: "Attach an integration to an inbox (enabled)", body: "AttachRequest", ok: 200, result: "AttachmentList", errors: std, handle: h.attachIntegration},
		{method: "DELETE", path: "/inboxes/{inbox_id}/integrations/{integration_id}", op: "detachIntegration", tag: "attachments",
			summary: "Detach an integration from an inbox", ok: 200, result: "AttachmentList", errors: []int{403, 404}, handle: h.detachIntegration},
		{method: "PUT", path: "/inboxes/{inbox_id}/integrations/{integration_id}/enabled", op: "setIntegrationEnabled", tag: "attachments",
			summary: "Enable or disable an attached integration", body: "EnabledRequest", ok: 200, result: "AttachmentList", errors: std, handle: h.setIntegrationEnabled},
		{method: "PUT", path: "/inboxes/{inbox_id}/card-order", op: "reorderInboxIntegrations", tag: "attachments",
			summary: "Set the order of an inbox's cards", description: "integration_ids lists every attached integration, first card first.",
			body: "ReorderRequest", ok: 200, result: "AttachmentList", errors: std, handle: h.reorderInboxIntegrations},

		{method: "POST", path: "/templates/validate", op: "validateTemplate", tag: "templates",
			summary: "Validate a template and list every problem", body: "TemplateRequest", ok: 200, result: "ValidationResult",
			errors: []int{400, 413, 415}, handle: h.validateTemplate},
		{method: "POST", path: "/templates/preview", op: "previewTemplate", tag: "templates",
			summary:     "Render a template against a sample response",
			description: "An invalid template is 422 with its problems below /template; an unusable sample (too large, too deep) 422 at /sample.",
			body:        "TemplateRequest", ok: 200, result: "PreviewResult", errors: []int{400, 413, 415, 422}, handle: h.previewTemplate},
		{method: "GET", path: "/templates/presets", op: "listTemplatePresets", tag: "templates",
			summary: "Ready-made templates with their sample data", ok: 200, result: "PresetList", handle: h.listTemplatePresets},
		{method: "POST", path: "/templates/suggest", op: "suggestTemplate", tag: "templates",
			summary: "Suggest a template for a sample response", body: "SuggestRequest", ok: 200, result: "SuggestResult",
			errors: []int{400, 413, 415, 422}, handle: h.suggestTemplate},
		{method: "GET", path: "/schemas/template.json", op: "getTemplateSchema", tag: "templates",
			summary: "The JSON Schema of template definitions", ok: 200, document: true, media: "application/schema+json", handle: h.getTemplateSchema},
		{method: "GET", path: "/schemas/integration.json", op: "getIntegrationSchema", tag: "integrations",
			summary: "The JSON Schema of the integration form", ok: 200, document: true, media: "application/schema+json", handle: h.getIntegrationSchema},

		{method: "GET", path: "/inboxes/{inbox_id}/contacts/{contact_id}/profile", op: "loadProfile", tag: "profile",
			summary: "Load a contact's cards in an inbox", query: []param{conversationParam},
			ok: 200, result: "Profile", errors: []int{404}, handle: h.loadProfile},
		{method: "GET", path: "/inboxes/{inbox_id}/contacts/{contact_id}/profile/stream", op: "streamProfile", tag: "profile",
			summary: "Stream a contact's cards, each the moment it is ready (Server-Sent Events)",
			description: "Events: one `cards` (every card with status loading), one `card` per card as it completes (in completion order, with its index), then `done`. " +
				"While no card is ready a comment line (`: heartbeat`) is sent every 15 seconds. The response body is described as the array of its events.",
			query: []param{conversationParam, refreshParam, integrationParam},
			ok:    200, result: "ProfileEvents", media: "text/event-stream", errors: []int{404}, handle: h.streamProfile},
		{method: "POST", path: "/inboxes/{inbox_id}/contacts/{contact_id}/profile/refresh", op: "refreshProfile", tag: "profile",
			summary: "Refresh one card or all", description: "Skips the cache read and stores the fresh responses.",
			body: "RefreshRequest", ok: 200, result: "Profile", errors: []int{400, 404, 413, 415}, handle: h.refreshProfile},
		{method: "POST", path: "/inboxes/{inbox_id}/contacts/{contact_id}/integrations/{integration_id}/actions/{action}", op: "runAction", tag: "profile",
			summary: "Run an action of a card for the contact",
			description: "Any member of the team. The integration must be attached, enabled and active in the inbox, and apply to the contact (422 not_applicable otherwise). " +
				"Invalid inputs are 422 with a problem at /inputs/NAME each; an action that needs confirmation without confirmed is 428 confirmation_required, its detail the prompt to show. " +
				"Nothing is sent in these cases. Otherwise the request is sent once (never from the cache; a non-GET action is never retried) and its outcome is 200, failed or not.",
			body: "ActionRequest", ok: 200, result: "ActionResult", errors: []int{400, 404, 413, 415, 422, 428}, handle: h.runAction},
		{method: "POST", path: "/cache/invalidations", op: "invalidateCache", tag: "profile",
			summary: "Drop the cached responses of an integration or of a contact",
			description: "With integration_id alone, every cached response of the integration (admins only): the next load of every contact calls the upstream. " +
				"With inbox_id and contact_id, the contact's responses of the inbox's cards (or of integration_id's card), fresh or stale; any member may drop them.",
			body: "InvalidateRequest", ok: 204, errors: append(std, 501), handle: h.invalidateCache},
		h.eventRoute(),

		{method: "POST", path: "/webhooks/{source}", op: "receiveWebhook", tag: "webhooks", anonymous: true,
			summary:     "Receive a webhook delivery of an inbox source",
			description: "Served by the source's inbox handler: it verifies the signature (401), caps the body (413), decodes it (400) and syncs it exactly once (200; 503 with Retry-After for a temporary failure). An unknown source is 404.",
			ok:          200, result: "WebhookReply", media: "application/json", errors: []int{400, 401, 404, 405, 413, 503}, handle: h.receiveWebhook},
	}
}

var (
	conversationParam = param{"conversation_id", "The conversation the profile is opened from.", &schema{Type: types{"string"}}}
	refreshParam      = param{"refresh", "Skip the cache read (true) for every card, or for integration_id's.", &schema{Type: types{"boolean"}}}
	integrationParam  = param{"integration_id", "Stream only this integration's card.", &schema{Type: types{"string"}}}
)

func (h *Handler) listIntegrations(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	list, err := h.svc.ListForTeam(r.Context(), a)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, IntegrationList{Integrations: list})
}

func (h *Handler) createIntegration(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	var in integration.Integration
	if err := h.decode(r, "IntegrationInput", &in); err != nil {
		return err
	}
	out, err := h.svc.Create(r.Context(), a, &in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (h *Handler) getIntegration(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	in, err := h.svc.Get(r.Context(), a, r.PathValue("integration_id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, in)
}

func (h *Handler) updateIntegration(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	var in integration.Integration
	if err := h.decode(r, "IntegrationInput", &in); err != nil {
		return err
	}
	id := r.PathValue("integration_id")
	if in.ID != "" && in.ID != id {
		return badRequest("The body names another integration than the path.",
			Problem{Path: "/id", Code: "id_mismatch", Message: "must be the integration id of the path, or omitted"})
	}
	if in.Version == 0 {
		return invalid("Send the version you edited.", Problem{Path: "/version", Code: integration.CodeRequired, Message: "the version the edit is based on is required"})
	}
	in.ID = id
	out, err := h.svc.Update(r.Context(), a, &in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (h *Handler) deleteIntegration(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	if err := h.svc.Delete(r.Context(), a, r.PathValue("integration_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) testIntegration(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	var req TestRequest
	if err := h.decode(r, "TestRequest", &req); err != nil {
		return err
	}
	if req.Integration == nil {
		return invalid("Send the integration to test.", Problem{Path: "/integration", Code: integration.CodeRequired, Message: "the integration is required"})
	}
	var team *integration.Team
	if req.Team != nil {
		team = &integration.Team{Name: req.Team.Name}
		if req.Team.TimeZone != "" {
			loc, err := time.LoadLocation(req.Team.TimeZone)
			if err != nil {
				return invalid("The sample team's time zone is unknown.", Problem{Path: "/team/time_zone", Code: integration.CodeInvalid, Message: "not an IANA time zone name"})
			}
			team.Location = loc
		}
	}
	res, err := h.svc.Test(r.Context(), a, &integration.TestRequest{
		Integration: req.Integration, Contact: req.Contact, Conversation: req.Conversation,
		Inbox: integration.Inbox{ID: req.Inbox.ID, Name: req.Inbox.Name}, Agent: req.Agent, Team: team,
		Live: req.Live, ConfirmSend: req.ConfirmSend, Action: req.Action, Inputs: req.Inputs,
	})
	if ve, ok := errors.AsType[*integration.ValidationError](err); ok {
		return invalid("The integration is invalid.", testProblems(ve.Problems)...)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// attachments answers the inbox's attachments after a change.
func (h *Handler) attachments(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	inbox := r.PathValue("inbox_id")
	list, err := h.svc.ListForInbox(r.Context(), a, inbox)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, AttachmentList{InboxID: inbox, Attachments: list})
}

func (h *Handler) listInboxIntegrations(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	return h.attachments(w, r, a)
}

func (h *Handler) attachIntegration(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	var req AttachRequest
	if err := h.decode(r, "AttachRequest", &req); err != nil {
		return err
	}
	ctx, inbox, id := r.Context(), r.PathValue("inbox_id"), r.PathValue("integration_id")
	pos := 1
	if req.Position != nil {
		pos = *req.Position
	} else {
		list, err := h.svc.ListForInbox(ctx, a, inbox)
		if err != nil {
			return err
		}
		for _, at := range list {
			if at.Integration.ID != id {
				pos = max(pos, at.Attachment.Position+1)
			}
		}
	}
	if err := h.svc.Attach(ctx, a, id, inbox, pos); err != nil {
		return err
	}
	return h.attachments(w, r, a)
}

func (h *Handler) detachIntegration(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	if err := h.svc.Detach(r.Context(), a, r.PathValue("integration_id"), r.PathValue("inbox_id")); err != nil {
		return err
	}
	return h.attachments(w, r, a)
}

func (h *Handler) setIntegrationEnabled(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	var req EnabledRequest
	if err := h.decode(r, "EnabledRequest", &req); err != nil {
		return err
	}
	if req.Enabled == nil {
		return invalid("Say whether the integration is enabled.", Problem{Path: "/enabled", Code: integration.CodeRequired, Message: "enabled is required"})
	}
	if err := h.svc.SetEnabled(r.Context(), a, r.PathValue("integration_id"), r.PathValue("inbox_id"), *req.Enabled); err != nil {
		return err
	}
	return h.attachments(w, r, a)
}

func (h *Handler) reorderInboxIntegrations(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	var req ReorderRequest
	if err := h.decode(r, "ReorderRequest", &req); err != nil {
		return err
	}
	err := h.svc.Reorder(r.Context(), a, r.PathValue("inbox_id"), req.IntegrationIDs)
	if ve, ok := errors.AsType[*integration.ValidationError](err); ok {
		return invalid("The order must list every attached integration once.", prefixed("/integration_ids", ve.Problems)...)
	}
	if err != nil {
		return err
	}
	return h.attachments(w, r, a)
}

func (h *Handler) validateTemplate(w http.ResponseWriter, r *http.Request, _ integration.Actor) error {
	var req TemplateRequest
	if err := h.decode(r, "TemplateRequest", &req); err != nil {
		return err
	}
	res := ValidationResult{Valid: true, Problems: []Problem{}}
	if _, err := parseTemplate(req.Template); err != nil {
		res.Valid, res.Problems = false, err.problems
	}
	return writeJSON(w, http.StatusOK, res)
}

// parseTemplate parses a template sent in a request body at /template.
func parseTemplate(def []byte) (*template.Template, *apiError) {
	if len(def) == 0 {
		return nil, invalid("Send a template.", Problem{Path: "/template", Code: integration.CodeRequired, Message: "the template is required"})
	}
	t, err := template.Parse(def)
	if pe, ok := errors.AsType[*template.ParseError](err); ok {
		return nil, invalid("The template is invalid.", prefixed("/template", pe.Problems)...)
	}
	if err != nil {
		return nil, invalid("The template is invalid.", Problem{Path: "/template", Code: CodeInvalidJSON, Message: "the template cannot be read"})
	}
	return t, nil
}

func (h *Handler) previewTemplate(w http.ResponseWriter, r *http.Request, _ integration.Actor) error {
	var req TemplateRequest
	if err := h.decode(r, "TemplateRequest", &req); err != nil {
		return err
	}
	t, perr := parseTemplate(req.Template)
	if perr != nil {
		return perr
	}
	opts := &template.RenderOptions{Now: time.Now()}
	if req.Now != nil {
		opts.Now = *req.Now
	}
	if req.TimeZone != "" {
		loc, err := time.LoadLocation(req.TimeZone)
		if err != nil || req.TimeZone == "Local" {
			return invalid("Unknown time zone.", Problem{Path: "/time_zone", Code: "unknown_time_zone", Message: "must be an IANA time zone such as Europe/Paris"})
		}
		opts.Location = loc
	}
	sample := req.Sample
	if len(sample) == 0 {
		sample = []byte("null")
	}
	out, err := t.Render(sample, opts)
	if err != nil {
		return invalid("The sample cannot be rendered.", Problem{Path: "/sample", Code: sampleCode(err), Message: "the sample response is too large or nested too deeply"})
	}
	return writeJSON(w, http.StatusOK, PreviewResult{Output: out})
}

func sampleCode(err error) string {
	switch {
	case errors.Is(err, template.ErrTooDeep):
		return "too_deep"
	case errors.Is(err, template.ErrTooLarge):
		return "too_large"
	}
	return CodeInvalidJSON
}

func (h *Handler) listTemplatePresets(w http.ResponseWriter, _ *http.Request, _ integration.Actor) error {
	return writeJSON(w, http.StatusOK, PresetList{Presets: template.Presets()})
}

func (h *Handler) suggestTemplate(w http.ResponseWriter, r *http.Request, _ integration.Actor) error {
	var req SuggestRequest
	if err := h.decode(r, "SuggestRequest", &req); err != nil {
		return err
	}
	if len(req.Sample) == 0 {
		return invalid("Send a sample response.", Problem{Path: "/sample", Code: integration.CodeRequired, Message: "the sample is required"})
	}
	def, err := template.Suggest(req.Sample)
	if err != nil {
		return invalid("No template can be suggested for this sample.", Problem{Path: "/sample", Code: sampleCode(err), Message: "the sample cannot be read"})
	}
	return writeJSON(w, http.StatusOK, SuggestResult{Template: def})
}

func (h *Handler) getTemplateSchema(w http.ResponseWriter, _ *http.Request, _ integration.Actor) error {
	return writeSchema(w, template.Schema())
}

func (h *Handler) getIntegrationSchema(w http.ResponseWriter, _ *http.Request, _ integration.Actor) error {
	return writeSchema(w, h.doc.integrationSchema)
}

func writeSchema(w http.ResponseWriter, b []byte) error {
	hdr := w.Header()
	hdr.Set("Content-Type", "application/schema+json")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-cache")
	w.Write(b)
	return nil
}

// profileRequest reads the contact and the profile request of a profile route.
func (h *Handler) profileRequest(r *http.Request, a integration.Actor, conversationID string) (*integration.ProfileRequest, error) {
	ref := ContactRef{InboxID: r.PathValue("inbox_id"), ContactID: r.PathValue("contact_id"), ConversationID: conversationID}
	c, conv, err := h.contact(r.Context(), a, ref)
	if err != nil {
		return nil, err
	}
	req := &integration.ProfileRequest{InboxID: ref.InboxID, Contact: c, Conversation: conv}
	if h.viewer != nil {
		if req.Agent, req.Team, err = h.viewer(r.Context(), a); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func (h *Handler) loadProfile(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	req, err := h.profileRequest(r, a, r.URL.Query().Get("conversation_id"))
	if err != nil {
		return err
	}
	cards, err := h.svc.Profile(r.Context(), a, req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, Profile{Cards: cards})
}

func (h *Handler) refreshProfile(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	var body RefreshRequest
	if err := h.decode(r, "RefreshRequest", &body); err != nil {
		return err
	}
	req, err := h.profileRequest(r, a, body.ConversationID)
	if err != nil {
		return err
	}
	req.Refresh, req.IntegrationID = true, body.IntegrationID
	cards, err := h.svc.Profile(r.Context(), a, req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, Profile{Cards: cards})
}

func (h *Handler) invalidateCache(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	var req InvalidateRequest
	if err := h.decode(r, "InvalidateRequest", &req); err != nil {
		return err
	}
	var err error
	switch {
	case req.InboxID == "" && req.ContactID == "" && req.IntegrationID != "":
		err = h.svc.InvalidateCache(r.Context(), a, req.IntegrationID)
	case req.InboxID != "" && req.ContactID != "":
		ref := ContactRef{InboxID: req.InboxID, ContactID: req.ContactID}
		c, conv, cerr := h.contact(r.Context(), a, ref)
		if cerr != nil {
			return cerr
		}
		err = h.svc.InvalidateContact(r.Context(), a, &integration.ProfileRequest{
			InboxID: req.InboxID, Contact: c, Conversation: conv, IntegrationID: req.IntegrationID})
	default:
		return invalid("Name an integration, or an inbox and a contact.", Problem{Code: integration.CodeRequired,
			Message: "send integration_id, or inbox_id and contact_id"})
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) receiveWebhook(w http.ResponseWriter, r *http.Request, _ integration.Actor) error {
	var hd http.Handler
	if h.webhooks != nil {
		hd = h.webhooks(r.PathValue("source"))
	}
	if hd == nil {
		return errNotFound
	}
	hd.ServeHTTP(w, r)
	return nil
}

func (h *Handler) getOpenAPI(w http.ResponseWriter, r *http.Request, _ integration.Actor) error {
	b, err := h.doc.marshal(mountPrefix(r))
	if err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-cache")
	w.Write(b)
	return nil
}

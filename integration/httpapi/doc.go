// Package httpapi is the HTTP API a helpdesk mounts to give its admin screens, template editor
// and profile sheet everything package integration does: integrations and their inbox
// attachments, the catalog of ready-made integrations, test runs, template validation,
// preview, presets and suggestions, profile
// cards as JSON or as a stream, cache invalidation, webhooks of inbox sources, and the OpenAPI
// 3.1 document that describes it all.
//
//	api, err := httpapi.New(httpapi.Options{
//		Service: svc, // an *integration.Service
//		Identify: func(r *http.Request) (integration.Actor, error) {
//			return sessions.Actor(r) // the host's authentication: team and role
//		},
//		Contact: func(ctx context.Context, a integration.Actor, ref httpapi.ContactRef) (integration.Contact, *integration.Conversation, error) {
//			return contacts.Lookup(ctx, a, ref) // the host's contacts
//		},
//	})
//	if err != nil {
//		return err
//	}
//	mux.Handle("/helpdesk/api/", http.StripPrefix("/helpdesk/api", api))
//
// GET /helpdesk/api/openapi.json then describes every operation with its operationId, and
// the request and response bodies with snake_case names.
//
// # Operations
//
// Paths are relative to the mount prefix; operationIds in brackets.
//
//	GET    /openapi.json                                         [getOpenAPI]
//	GET    /integrations                                         [listIntegrations]
//	POST   /integrations                                         [createIntegration]
//	GET    /integrations/{integration_id}                        [getIntegration]
//	PUT    /integrations/{integration_id}                        [updateIntegration]
//	DELETE /integrations/{integration_id}                        [deleteIntegration]
//	POST   /integrations/test                                    [testIntegration]
//	GET    /inboxes/{inbox_id}/integrations                      [listInboxIntegrations]
//	PUT    /inboxes/{inbox_id}/integrations/{integration_id}     [attachIntegration]
//	DELETE /inboxes/{inbox_id}/integrations/{integration_id}     [detachIntegration]
//	PUT    /inboxes/{inbox_id}/integrations/{integration_id}/enabled  [setIntegrationEnabled]
//	PUT    /inboxes/{inbox_id}/card-order                        [reorderInboxIntegrations]
//	POST   /templates/validate                                   [validateTemplate]
//	POST   /templates/preview                                    [previewTemplate]
//	GET    /templates/presets                                    [listTemplatePresets]
//	POST   /templates/suggest                                    [suggestTemplate]
//	GET    /schemas/template.json                                [getTemplateSchema]
//	GET    /schemas/integration.json                             [getIntegrationSchema]
//	GET    /inboxes/{inbox_id}/contacts/{contact_id}/profile     [loadProfile]
//	GET    /inboxes/{inbox_id}/contacts/{contact_id}/profile/stream   [streamProfile]
//	POST   /inboxes/{inbox_id}/contacts/{contact_id}/profile/refresh  [refreshProfile]
//	POST   /inboxes/{inbox_id}/contacts/{contact_id}/integrations/{integration_id}/actions/{action}  [runAction]
//	POST   /cache/invalidations                                  [invalidateCache]
//	POST   /inboxes/{inbox_id}/conversations/{conversation_id}/events  [reportEvent]
//	POST   /webhooks/{source}                                    [receiveWebhook]
//	GET    /catalog                                              [listCatalog]
//	POST   /catalog/{entry_id}/install                           [installCatalogEntry]
//
// # Identity
//
// The API acts on behalf of the user Options.Identify returns: it never invents one and
// assumes no cookies. An Identify error answers 401 (403 when it wraps
// integration.ErrForbidden). Roles decide as in package integration: members read and load
// profiles, admins also edit, attach, test and drop caches (403 otherwise). A record of another
// team is 404, exactly like a missing one. getOpenAPI and receiveWebhook are not on behalf of a
// user: the document is public and a webhook delivery is verified by its source's handler.
//
// # Requests and errors
//
// Request bodies must be application/json (415 otherwise), so that a plain HTML form on
// another site cannot submit one; they are capped by Options.MaxBodyBytes (413). Each body is
// checked against its schema in the OpenAPI document before it is decoded: every unknown
// field and every value of the wrong JSON type is reported (400), each with the JSON pointer
// of the offending value. Every error is an RFC 9457 problem document
// (application/problem+json, [ProblemDetails]) with a stable code and the module's one
// problem shape ([Problem]: path, code, message), whose paths point into the request body:
// "/headers/2/value", "/display/template/sections/1/items/0/value". A panic in a handler or a
// host callback is recovered and answered 500, and logged to Options.Logger with its stack.
//
// # The profile stream
//
// GET .../profile/stream answers Server-Sent Events backed by
// integration.Service.ProfileStream: first "cards" (every card with status "loading"), then
// one "card" per card the moment it is ready, then "done". A comment line is sent every
// Options.Heartbeat (15 s) so proxies keep the connection open; every write has a deadline of
// Options.WriteTimeout (set with http.ResponseController), so a client that stops reading
// loses the stream and its cards stop. The events' schemas are in the document
// (ProfileEvents, CardsEvent, CardEvent, DoneEvent). A browser's EventSource sends cookies but
// no custom headers: a host whose Identify reads a header streams with fetch instead.
//
// # Agent actions
//
// A card carries the buttons of its integration's actions (card.actions: name, label,
// method, confirm, fields). POST .../integrations/{integration_id}/actions/{action} runs one
// for the contact, for any member of the team, with {"conversation_id": ..., "inputs":
// {NAME: VALUE}, "confirmed": true} through integration.Service.RunAction. It answers 200
// with the ActionResult (status "ok" or "failed", http_status, message, error) whenever the
// request was sent or failed to be, 422 validation_failed with a problem at /inputs/NAME per
// invalid input, 428 confirmation_required (its detail the prompt to show) when the agent
// must confirm first, 422 not_applicable when the action does not apply to the contact, and
// 404 for an unknown action or an integration that is not runnable in the inbox; in these
// cases nothing was sent.
//
// # Conversation events
//
// A host that is not written in Go reports conversation events (created, resolved, reopened,
// label_added, assigned) with POST .../conversations/{conversation_id}/events and the
// EventRequest body: the event's id and type, the label added, the contact, the conversation
// as it is after the event, the agent who caused it and when it happened. Options.Triggers (a
// *triggers.Poster) runs the triggers the event matches, exactly as
// integration.Service.RunTriggers does, and posts each line into the conversation through
// package inbox's exactly-once flow, keyed by integration, trigger and event id. The answer
// is 200 with what became of each activity once the event is settled (posted, duplicate,
// not_applicable, failed: for good, with a sentence saying why), or 503 temporary with
// Retry-After when something failed that a later report may get through: the host reports
// the same event again, and only what was not posted yet is posted. The route is safe to
// retry whatever happened to an earlier attempt.
//
// # Webhooks
//
// POST /webhooks/{source} hands the delivery to Options.Webhooks(source), usually an
// *inbox.Handler, which verifies, decodes and syncs it exactly once and answers with its own
// small JSON body. One route serves every source of the host.
//
// # The catalog
//
// GET /catalog lists the entries of package catalog for a gallery: each with the secrets and
// settings an admin supplies and its display template already rendered against the service's
// sample response (preview, a node tree like a card's output), so the gallery draws every card
// from one request. POST /catalog/{entry_id}/install takes {"values": {NAME: VALUE}},
// completes the entry with catalog.Install and creates the integration with
// integration.Service.Create (201, secrets redacted). It is for admins only, checked before
// the values are judged; every problem with the values is one 422 problem at /values/NAME,
// and the answer never echoes a value.
//
// # Decisions
//
//   - The OpenAPI document is Go data built from the route table the mux is made from, so a
//     route cannot exist undocumented; the servers entry is the host's mount prefix, read
//     from the request. Request schemas are closed (additionalProperties false) and are the
//     strict decoder's rules, so the document and the decoder cannot disagree.
//   - Sealed secret forms are not part of the API: responses never carry them and a request
//     carrying one is refused as an unknown field.
//   - updateIntegration takes the whole integration with the version the admin edited (409
//     when it is stale); the path's id wins, and a different id in the body is 400.
//   - Attachment changes answer the inbox's attachments after the change, so a front end
//     redraws its list from one response.
//   - validateTemplate answers 200 with the problems (the request succeeded; the template is
//     what is invalid); previewTemplate answers 422 with them (there is nothing to show).
//   - invalidateCache drops either every response of an integration (admins: it costs an
//     upstream call per contact afterwards) or one contact's responses in an inbox (any
//     member, as any member may refresh), through integration.Service.InvalidateContact and
//     httpexec.Executor.Forget; it sends nothing upstream.
//   - Only requests with a body need a content type: a DELETE carries none, and no other site
//     can send one without a CORS preflight, as it cannot send a JSON body. With the GET
//     routes changing nothing, a host may identify users by a cookie.
//   - A 401 carries no WWW-Authenticate header: the scheme is the host's, not the API's.
//   - The catalog preview is rendered on the server rather than through previewTemplate: one
//     request draws the gallery, and the preview is exactly what the installed card shows.
//     Settings the admin has not supplied yet read "example" in its links
//     (https://example.myshopify.com/...). Installing does not attach the integration to an
//     inbox: the admin chooses where it shows, as with one made by hand.
//   - An action run that needs confirmation is 428 Precondition Required, not 422: the
//     request is right and complete except for the agent's consent, which the client gets
//     (the prompt is the problem's detail) and sends again with confirmed. A live test run
//     without confirm_send stays 422 as before.
//   - Any member of a team may report events of its inboxes, as with
//     integration.Service.RunTriggers: the host reports them on its own behalf, usually with
//     a service account's identity, and the lines come from the team's own integrations.
//   - Without Options.Triggers, reportEvent answers 501 not_implemented (after
//     authentication) rather than 404: the request is right, the server does not run
//     triggers, and a 404 would read as a wrong inbox.
//   - reportEvent takes the contact and the conversation from the body, not from
//     Options.Contact: the host reporting an event knows both as they are after the event
//     (a resolved status, the label just added). The path names the inbox and the
//     conversation; a conversation id in the body must be the path's (400 otherwise). The
//     team.* variables come from Options.Viewer, as for profile loads; agent.* is the
//     body's agent, the one who caused the event, not the caller.
//   - A temporary failure answers 503 without the results of the activities that did post:
//     the host reports the event again and acts on the one complete answer, in which they
//     are duplicates. Problems of the path's inbox and conversation ids (control characters,
//     too long) have the path "" and name the parameter in their message.
//   - An event type the API does not know runs no trigger and answers 200 with no
//     activities, as in package integration, so a host may report every event it has.
//   - The API keeps no state of its own and starts no goroutine that outlives a request.
package httpapi

// Package apitest checks requests to and responses of inboxkit's HTTP API (package
// integration/httpapi) against the API's own OpenAPI 3.1 document, with an independent
// validator: github.com/getkin/kin-openapi, whose JSON Schema 2020-12 checks come from
// santhosh-tekuri/jsonschema.
//
//	doc := get(srv.URL + "/api/openapi.json")
//	c, err := apitest.New(ctx, doc, srv.URL+"/api")
//	if err != nil {
//		return err // the document is not valid OpenAPI 3.1
//	}
//	if err := c.Check(req, reqBody, resp, respBody); err != nil {
//		return err // the request or the response does not match its operation
//	}
//
// It is a nested module so that the core module never depends on kin-openapi; its tests
// drive every operation of the API end to end and check each exchange, including the event
// stream of streamProfile (each event against its own schema) and the problem documents of
// failures, and compile the JSON Schemas the API serves (getIntegrationSchema,
// getTemplateSchema) with santhosh-tekuri/jsonschema against integrations and templates the
// API accepts and refuses. A host that mounts the API may run the same Checker in its own
// tests, through a client whose Transport checks every exchange:
//
//	client := &http.Client{Transport: c.Transport(t, nil)} // mismatches are t.Errorf
//
// # Decisions
//
//   - text/event-stream responses are parsed here into the array of their events
//     ({"event", "data"}), the shape the document describes, and validated as such; kin-openapi
//     has no decoder for streams, and registering one would change its process-wide table.
//   - Undocumented statuses fail (IncludeResponseStatus): every answer the API gives must be in
//     the document.
package apitest

package apitest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Checker validates exchanges with the API against its OpenAPI document. It is safe for
// concurrent use by multiple goroutines.
type Checker struct {
	doc    *openapi3.T
	router routers.Router
}

// New loads doc (the document getOpenAPI serves), validates it as OpenAPI 3.1 and returns a
// Checker for the API mounted at serverURL (an absolute URL, which replaces the document's
// servers entry).
func New(ctx context.Context, doc []byte, serverURL string) (*Checker, error) {
	loader := openapi3.NewLoader()
	t, err := loader.LoadFromData(doc)
	if err != nil {
		return nil, fmt.Errorf("apitest: load document: %w", err)
	}
	if !t.IsOpenAPI31OrLater() {
		return nil, fmt.Errorf("apitest: document is OpenAPI %s, want 3.1", t.OpenAPI)
	}
	if err := t.Validate(ctx); err != nil {
		return nil, fmt.Errorf("apitest: invalid document: %w", err)
	}
	t.Servers = openapi3.Servers{{URL: serverURL}}
	r, err := legacy.NewRouter(t)
	if err != nil {
		return nil, fmt.Errorf("apitest: router: %w", err)
	}
	return &Checker{doc: t, router: r}, nil
}

// Document returns the loaded document.
func (c *Checker) Document() *openapi3.T { return c.doc }

// Check validates req (whose body was reqBody) and the response resp (whose body was
// respBody) against the operation the request routes to. It returns the operationId checked.
func (c *Checker) Check(ctx context.Context, req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) (string, error) {
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		// A request no operation serves must get a problem document.
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			return "", fmt.Errorf("apitest: %s %s: no documented operation: %w", req.Method, req.URL.Path, err)
		}
		return "", c.checkProblem(resp, respBody)
	}
	op := route.Operation.OperationID
	r := req.Clone(ctx)
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	// A request the API refuses as malformed is checked only for its response.
	if resp.StatusCode/100 == 2 {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			return op, fmt.Errorf("apitest: %s: request: %w", op, err)
		}
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	stream := mt == "text/event-stream"
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, ExcludeResponseBody: stream},
	}
	out.SetBodyBytes(respBody)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return op, fmt.Errorf("apitest: %s: response %d: %w", op, resp.StatusCode, err)
	}
	if stream {
		if err := c.checkStream(route, resp.StatusCode, respBody); err != nil {
			return op, fmt.Errorf("apitest: %s: stream: %w", op, err)
		}
	}
	return op, nil
}

// checkProblem validates an answer to a request that matches no operation: a problem
// document.
func (c *Checker) checkProblem(resp *http.Response, body []byte) error {
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/problem+json" {
		return fmt.Errorf("apitest: status %d answered as %q, want application/problem+json", resp.StatusCode, mt)
	}
	ref := c.doc.Components.Schemas["ProblemDetails"]
	if ref == nil {
		return errors.New("apitest: the document has no ProblemDetails schema")
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("apitest: problem document: %w", err)
	}
	if err := ref.Value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors()); err != nil {
		return fmt.Errorf("apitest: problem document: %w", err)
	}
	return nil
}

// checkStream validates an event stream as the array of its events.
func (c *Checker) checkStream(route *routers.Route, status int, body []byte) error {
	ref := route.Operation.Responses.Status(status)
	if ref == nil || ref.Value == nil {
		return errors.New("status not documented")
	}
	mt := ref.Value.Content.Get("text/event-stream")
	if mt == nil || mt.Schema == nil {
		return errors.New("text/event-stream not documented")
	}
	events, err := ParseEvents(body)
	if err != nil {
		return err
	}
	return mt.Schema.Value.VisitJSON(events, openapi3.EnableJSONSchema2020(), openapi3.VisitAsResponse(), openapi3.MultiErrors())
}

// ParseEvents reads an event stream into its events, each {"event": name, "data": value}
// with data decoded as JSON. Comment lines (heartbeats) are skipped.
func ParseEvents(body []byte) ([]any, error) {
	var (
		events []any
		name   string
		data   []string
	)
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if name == "" && data == nil {
				continue
			}
			var v any
			if err := json.Unmarshal([]byte(strings.Join(data, "\n")), &v); err != nil {
				return nil, fmt.Errorf("event %q: data is not JSON: %w", name, err)
			}
			events = append(events, map[string]any{"event": name, "data": v})
			name, data = "", nil
		case strings.HasPrefix(line, ":"):
		case strings.HasPrefix(line, "event: "):
			name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			data = append(data, line[len("data: "):])
		default:
			return nil, fmt.Errorf("unexpected line %q", line)
		}
	}
	if name != "" || data != nil {
		return nil, errors.New("the stream ends inside an event")
	}
	return events, sc.Err()
}

// Transport returns an http.RoundTripper for tests of a mounted API: it sends each request
// with base (http.DefaultTransport if nil), checks the exchange and reports a mismatch with
// t.Errorf. The response comes back with its body unread.
//
//	client := &http.Client{Transport: checker.Transport(t, nil)}
func (c *Checker) Transport(t testing.TB, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &checkingTransport{c: c, t: t, base: base}
}

type checkingTransport struct {
	c    *Checker
	t    testing.TB
	base http.RoundTripper
}

func (ct *checkingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := ct.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if _, err := ct.c.Check(req.Context(), req, reqBody, resp, b); err != nil {
		ct.t.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return resp, nil
}

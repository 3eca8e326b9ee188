package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/triggers"
)

// Options configures a Handler. Service, Identify and Contact are required.
type Options struct {
	// Service runs every operation.
	Service *integration.Service
	// Identify returns the user on whose behalf a request acts, as the host authenticates it
	// (a session cookie, a bearer token, a header set by a gateway). An error answers 401,
	// or 403 when it wraps integration.ErrForbidden; an Actor without a TeamID answers 401.
	// The API never invents a user. It is called once per request, except for getOpenAPI and
	// receiveWebhook, which are not on behalf of a user.
	Identify func(r *http.Request) (integration.Actor, error)
	// Contact returns the contact whose profile is loaded, as the acting user sees it in the
	// inbox (and the conversation the profile is opened from, or nil when ref names none).
	// An error wrapping integration.ErrNotFound answers 404.
	Contact func(ctx context.Context, actor integration.Actor, ref ContactRef) (integration.Contact, *integration.Conversation, error)
	// Viewer returns the agent viewing a profile and what the host knows of the acting team:
	// the values of the agent.* and team.* variables of profile loads (team.id is always the
	// actor's TeamID). If nil, those variables are empty. An error fails the request as
	// Contact's does.
	Viewer func(ctx context.Context, actor integration.Actor) (*integration.Agent, *integration.Team, error)
	// Webhooks returns the webhook handler of an inbox source by name (usually an
	// *inbox.Handler from Syncer.Handler), or nil for an unknown name, which answers 404. If
	// nil, every source is unknown. Deliveries are not on behalf of a user: the handler
	// verifies them itself.
	Webhooks func(source string) http.Handler
	// Triggers runs the event triggers of the events hosts report with reportEvent and posts
	// their activities (a *triggers.Poster over the same Service). If nil, reportEvent answers
	// 501 not_implemented.
	Triggers *triggers.Poster
	// Logger receives requests that failed on the server side (500) and recovered panics.
	// Records carry the operation and the error, never a body, header or secret. If nil,
	// nothing is logged.
	Logger *slog.Logger
	// MaxBodyBytes caps request bodies (413 beyond). If zero, 2 MiB is used: a template
	// preview carries a template (at most 256 KiB) and a sample response (at most 1 MiB).
	MaxBodyBytes int64
	// Heartbeat is how often streamProfile writes a heartbeat while no card is ready. If
	// zero, 15 seconds.
	Heartbeat time.Duration
	// WriteTimeout bounds every write to a stream; a client that does not read for that
	// long loses the stream. If zero, 10 seconds.
	WriteTimeout time.Duration
}

// ContactRef names the contact of a profile request.
type ContactRef struct {
	InboxID, ContactID string
	// ConversationID is empty when the request names no conversation.
	ConversationID string
}

// Handler serves the HTTP API. Create one with New and mount it under a prefix of the host's
// choice with http.StripPrefix. A Handler is safe for concurrent use by multiple goroutines.
type Handler struct {
	svc          *integration.Service
	identify     func(*http.Request) (integration.Actor, error)
	contact      func(context.Context, integration.Actor, ContactRef) (integration.Contact, *integration.Conversation, error)
	viewer       func(context.Context, integration.Actor) (*integration.Agent, *integration.Team, error)
	webhooks     func(string) http.Handler
	triggers     *triggers.Poster
	log          *slog.Logger
	maxBody      int64
	heartbeat    time.Duration
	writeTimeout time.Duration
	mux          *http.ServeMux
	routes       []*route
	doc          *document
}

// New returns a Handler for opts.
func New(opts Options) (*Handler, error) {
	switch {
	case opts.Service == nil:
		return nil, errors.New("httpapi: Options.Service is required")
	case opts.Identify == nil:
		return nil, errors.New("httpapi: Options.Identify is required")
	case opts.Contact == nil:
		return nil, errors.New("httpapi: Options.Contact is required")
	case opts.MaxBodyBytes < 0 || opts.Heartbeat < 0 || opts.WriteTimeout < 0:
		return nil, errors.New("httpapi: negative limit in Options")
	}
	h := &Handler{
		svc: opts.Service, identify: opts.Identify, contact: opts.Contact, viewer: opts.Viewer, webhooks: opts.Webhooks, triggers: opts.Triggers,
		log: opts.Logger, maxBody: opts.MaxBodyBytes, heartbeat: opts.Heartbeat, writeTimeout: opts.WriteTimeout,
		mux: http.NewServeMux(),
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.maxBody == 0 {
		h.maxBody = 2 << 20
	}
	if h.heartbeat == 0 {
		h.heartbeat = 15 * time.Second
	}
	if h.writeTimeout == 0 {
		h.writeTimeout = 10 * time.Second
	}
	h.routes = h.table()
	for _, rt := range h.routes {
		h.mux.Handle(rt.method+" "+rt.path, h.serve(rt))
	}
	h.doc = newDocument(h.routes)
	return h, nil
}

// ServeHTTP implements http.Handler. Requests that match no route get a 404 or 405 problem.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := h.mux.Handler(r); pattern == "" {
		// Ask the mux what it would answer (404, or 405 with Allow), and answer it as a
		// problem document instead of its plain text.
		c := &statusOnly{header: make(http.Header)}
		h.mux.ServeHTTP(c, r)
		if allow := c.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		ae := errNotFound
		if c.status == http.StatusMethodNotAllowed {
			ae = &apiError{http.StatusMethodNotAllowed, CodeMethodNotAllowed, "The resource does not support this method.", nil}
		}
		writeProblem(w, &ProblemDetails{Title: http.StatusText(ae.status), Status: ae.status, Detail: ae.detail, Code: ae.code})
		return
	}
	h.mux.ServeHTTP(w, r)
}

// statusOnly records the status and header a handler writes and drops its body.
type statusOnly struct {
	header http.Header
	status int
}

func (s *statusOnly) Header() http.Header { return s.header }
func (s *statusOnly) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}
func (s *statusOnly) Write(b []byte) (int, error) { s.WriteHeader(http.StatusOK); return len(b), nil }

// route is one operation: its method and path (a ServeMux pattern), what the OpenAPI document
// says about it, and its handler.
type route struct {
	method, path string
	op           string // operationId
	tag, summary string
	description  string
	anonymous    bool    // not on behalf of a user: Identify is not called
	query        []param // query parameters
	body         string  // request body schema (a component name), "" for none
	ok           int     // success status
	result       string  // success body schema (a component name), "" for none
	document     bool    // the success body is a document of its own (OpenAPI, JSON Schema)
	media        string  // success media type; "" is application/json
	errors       []int   // documented error statuses besides 401/500
	handle       handlerFunc
}

type param struct {
	name, description string
	schema            *schema
}

// handlerFunc serves one operation for actor; an error is answered as a problem document.
type handlerFunc func(w http.ResponseWriter, r *http.Request, actor integration.Actor) error

// serve wraps rt's handler: panics are recovered, the actor identified, and errors answered.
func (h *Handler) serve(rt *route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &trackingWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				h.log.LogAttrs(r.Context(), slog.LevelError, "httpapi: handler panicked",
					slog.String("operation", rt.op), slog.String("panic", fmt.Sprintf("%T", v)), slog.String("stack", string(debug.Stack())))
				if !tw.wrote {
					writeProblem(tw, &ProblemDetails{Title: http.StatusText(500), Status: 500, Code: CodeInternal, Detail: "The request failed; the error is logged."})
				}
			}
		}()
		var actor integration.Actor
		if !rt.anonymous {
			a, err := h.identify(r)
			switch {
			case errors.Is(err, integration.ErrForbidden):
				writeProblem(tw, &ProblemDetails{Title: http.StatusText(403), Status: 403, Code: CodeForbidden, Detail: "You may not use this API."})
				return
			case err != nil || a.TeamID == "":
				writeProblem(tw, &ProblemDetails{Title: http.StatusText(401), Status: 401, Code: CodeUnauthenticated, Detail: "Sign in to use this API."})
				return
			}
			actor = a
		}
		if err := rt.handle(tw, r, actor); err != nil {
			if tw.wrote { // a stream that failed after its first byte: nothing more to say
				return
			}
			h.writeError(tw, r, rt.op, err)
		}
	})
}

// trackingWriter remembers whether anything was written, so that a recovered panic does not
// append a problem document to a response already under way. It keeps http.ResponseController
// working through Unwrap.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) WriteHeader(code int) {
	t.wrote = true
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// decode reads r's JSON body into v after checking it against the operation's schema (the
// document's component): a body
// that is not application/json is 415, one over the cap 413, malformed JSON, unknown fields
// and values of the wrong type 400 with a problem for each.
func (h *Handler) decode(r *http.Request, component string, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &apiError{http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "Send the body as application/json.", nil}
	}
	if r.ContentLength > h.maxBody {
		return tooLarge(h.maxBody)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, h.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return tooLarge(h.maxBody)
		}
		return badRequest("The body could not be read.")
	}
	if ps := checkBody(body, h.doc.schemas[component], h.doc.schemas); len(ps) > 0 {
		return badRequest("The body does not match the operation's schema.", ps...)
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		// The schema check passed, so this is a value out of Go's range (an integer too
		// large for its field, say).
		p := Problem{Code: CodeInvalidType, Message: "a value is out of range"}
		if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Field != "" {
			p.Path = "/" + strings.ReplaceAll(te.Field, ".", "/")
		}
		return badRequest("The body does not match the operation's schema.", p)
	}
	return nil
}

func tooLarge(n int64) *apiError {
	return &apiError{http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("The body is larger than %d bytes.", n), nil}
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Content-Length", strconv.Itoa(len(b))) // one write, no chunked framing
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b) // a failed write is a client gone: nothing left to answer
	return nil
}

package inbox

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// HandlerOptions configures [Syncer.Handler]. The zero value is valid.
type HandlerOptions struct {
	// Observe, if set, is called once per request when the response
	// status is decided and before the response is written, with the
	// outcome (nil when the request failed before Sync) and the error
	// behind a non-2xx status. It runs on the request's goroutine and must
	// not retain r after returning.
	Observe func(r *http.Request, status int, out *Outcome, err error)
	// RetryAfter is the Retry-After header value, in seconds, sent with a
	// 503; zero means 5, negative omits the header.
	RetryAfter int
}

// A Handler receives the webhooks of one [Source]. It is safe for
// concurrent use. The zero value answers 500; use [Syncer.Handler].
//
// Responses, each a small JSON object that never echoes header values,
// secrets or body contents:
//
//   - 405 for a method other than POST;
//   - 413 for a body above the source's cap (nothing is parsed);
//   - 401 when verification fails (nothing is parsed, stored or sent);
//   - 400 for a malformed payload, with the [Problem] naming the offending
//     field: {"error":"malformed payload","problems":[{"path":...}]};
//   - 200 when the event was sent, was a duplicate, was ignored, skipped
//     or held, or failed permanently (recorded in the ledger for replay:
//     the sender retrying would not help), also when the attempt's claim
//     was taken over before it could record its result ([ErrLeaseLost]);
//   - 503 with Retry-After when a temporary failure (or a concurrent
//     attempt at the same delivery) means the sender should retry.
type Handler struct {
	s   *Syncer
	dec *Decoder
	v   Verifier
	o   HandlerOptions
}

// Handler returns an http.Handler for src. It returns a *[SourceError]
// when src is invalid or has no Verifier. opts may be nil.
func (s *Syncer) Handler(src Source, opts *HandlerOptions) (*Handler, error) {
	dec, err := NewDecoder(src)
	if src.Verifier == nil {
		// The verifier is not part of the Source's JSON: the problem is the
		// document's, not a field's.
		p := Problem{Code: CodeVerifierRequired, Message: "a Verifier is required by the handler (it is set in Go, not in the source's JSON)"}
		if se, ok := errors.AsType[*SourceError](err); ok {
			se.Problems = append(se.Problems, p)
		} else {
			err = &SourceError{Source: src.Name, Problems: []Problem{p}}
		}
	}
	if err != nil {
		return nil, err
	}
	h := &Handler{s: s, dec: dec, v: src.Verifier}
	if opts != nil {
		h.o = *opts
	}
	if h.o.RetryAfter == 0 {
		h.o.RetryAfter = 5
	}
	return h, nil
}

// Decoder returns the handler's decoder.
func (h *Handler) Decoder() *Decoder { return h.dec }

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.dec == nil || h.v == nil || h.s == nil {
		h.reply(w, r, http.StatusInternalServerError, "handler not configured", nil, errors.New("inbox: Handler not made by Syncer.Handler"))
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.reply(w, r, http.StatusMethodNotAllowed, "method not allowed", nil, nil)
		return
	}
	limit := h.dec.maxBody
	if r.ContentLength > limit {
		h.reply(w, r, http.StatusRequestEntityTooLarge, "payload too large", nil, ErrTooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			h.reply(w, r, http.StatusRequestEntityTooLarge, "payload too large", nil, ErrTooLarge)
			return
		}
		h.reply(w, r, http.StatusBadRequest, "could not read body", nil, err)
		return
	}
	hdr, body, err := open(h.v, r.Header, body)
	if err != nil {
		h.reply(w, r, http.StatusUnauthorized, "invalid signature", nil, err)
		return
	}
	ev, err := h.dec.Decode(hdr, body)
	if err != nil {
		h.replyErr(w, r, nil, err)
		return
	}
	out, err := h.s.Sync(r.Context(), ev)
	if err != nil {
		h.replyErr(w, r, out, err)
		return
	}
	h.reply(w, r, http.StatusOK, "", out, nil)
}

func (h *Handler) replyErr(w http.ResponseWriter, r *http.Request, out *Outcome, err error) {
	switch {
	case errors.Is(err, ErrTooLarge):
		h.reply(w, r, http.StatusRequestEntityTooLarge, "payload too large", out, err)
	case errors.Is(err, ErrMalformed):
		h.reply(w, r, http.StatusBadRequest, "malformed payload", out, err)
	case isTemporary(err):
		if h.o.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(h.o.RetryAfter))
		}
		h.reply(w, r, http.StatusServiceUnavailable, "temporary failure, retry later", out, err)
	default:
		h.reply(w, r, http.StatusInternalServerError, "internal error", out, err)
	}
}

func (h *Handler) reply(w http.ResponseWriter, r *http.Request, code int, msg string, out *Outcome, err error) {
	if h.o.Observe != nil {
		h.o.Observe(r, code, out, err)
	}
	var body struct {
		Status   Status    `json:"status,omitempty"`
		Error    string    `json:"error,omitempty"`
		Problems []Problem `json:"problems,omitempty"`
	}
	if code/100 == 2 {
		body.Status = out.Status
	} else {
		body.Error = msg
		if pe, ok := errors.AsType[*PayloadError](err); ok && code == http.StatusBadRequest {
			body.Problems = []Problem{pe.Problem}
		}
	}
	b, _ := json.Marshal(&body)
	b = append(b, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(b)
}

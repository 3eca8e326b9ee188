package inbox_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/inbox"
)

func TestHandlerStatuses(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	h := e.handler(t)
	big := []byte(`{"type":"message.received","pad":"` + strings.Repeat("x", inbox.DefaultMaxBodyBytes) + `"}`)
	tests := []struct {
		name   string
		req    func() *http.Request
		code   int
		substr string
	}{
		{"get", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/", nil) }, 405, "method"},
		{"too large by content-length", func() *http.Request {
			return httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(big)))
		}, 413, "too large"},
		{"too large streamed", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", io.MultiReader(strings.NewReader(string(big))))
			r.ContentLength = -1
			return r
		}, 413, "too large"},
		{"unsigned", func() *http.Request {
			return httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(msgBody("m1", "ada@example.com", "hi"))))
		}, 401, "invalid signature"},
		{"forged", func() *http.Request {
			body := msgBody("m1", "ada@example.com", "hi")
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
			r.Header.Set("webhook-id", "msg_1")
			r.Header.Set("webhook-timestamp", "1614265330")
			r.Header.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
			return r
		}, 401, "invalid signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tt.req())
			if rec.Code != tt.code || !strings.Contains(rec.Body.String(), tt.substr) {
				t.Errorf("got %d %q; want %d containing %q", rec.Code, rec.Body.String(), tt.code, tt.substr)
			}
			if strings.Contains(rec.Body.String(), "g0hM9") || strings.Contains(rec.Body.String(), "ada@") {
				t.Errorf("response %q echoes request content", rec.Body.String())
			}
		})
	}
	if n, l := e.msgs.Len(), len(e.ledger.Entries()); n != 0 || l != 0 {
		t.Errorf("after rejected requests: %d messages, %d ledger entries; want none", n, l)
	}
	// Signed but malformed: 400 naming the field, not its value.
	code, resp := e.post(t, h, "msg_2", []byte(`{"type":"message.received","id":"e","data":{"email":"not-an-address-xyz","text":"x"}}`))
	if code != 400 || !strings.Contains(resp, "email") || strings.Contains(resp, "xyz") {
		t.Errorf("malformed = %d %q; want 400 naming email without its value", code, resp)
	}
	code, resp = e.post(t, h, "msg_3", []byte(`{"type":"call.ended"}`))
	if code != 200 || !strings.Contains(resp, "ignored") {
		t.Errorf("unmapped = %d %q; want 200 ignored", code, resp)
	}
	code, resp = e.post(t, h, "msg_4", msgBody("m4", "ada@example.com", "hi"))
	if code != 200 || !strings.Contains(resp, "sent") {
		t.Errorf("valid = %d %q; want 200 sent", code, resp)
	}
}

func TestHandlerObserveAndRetryAfter(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	var got []int
	var outs []*inbox.Outcome
	h, err := e.s.Handler(chatSource(e.sw), &inbox.HandlerOptions{
		Observe: func(_ *http.Request, code int, out *inbox.Outcome, err error) {
			got = append(got, code)
			outs = append(outs, out)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.faults.send = []error{temp("x")}
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(msgBody("m1", "ada@example.com", "hi"))))
	req.Header.Set("webhook-id", "msg_1")
	req.Header.Set("webhook-timestamp", "1614265330")
	req.Header.Set("webhook-signature", e.sw.Sign("msg_1", testNow, msgBody("m1", "ada@example.com", "hi")))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 503 || rec.Header().Get("Retry-After") != "5" {
		t.Errorf("got %d Retry-After %q; want 503 and 5", rec.Code, rec.Header().Get("Retry-After"))
	}
	if len(got) != 1 || got[0] != 503 || outs[0] == nil || outs[0].Status != inbox.StatusRetry {
		t.Errorf("observed %v %+v", got, outs)
	}
}

func TestHandlerNeedsVerifier(t *testing.T) {
	e := newEnv(t, nil)
	_, err := e.s.Handler(chatSource(nil), nil)
	se, ok := errors.AsType[*inbox.SourceError](err)
	if !ok || se.Problems[len(se.Problems)-1].Code != inbox.CodeVerifierRequired {
		t.Errorf("Handler without verifier = %v; want a SourceError naming verifier", err)
	}
	src := chatSource(nil)
	src.Name = ""
	_, err = e.s.Handler(src, nil)
	if se, ok := errors.AsType[*inbox.SourceError](err); !ok || len(se.Problems) != 2 {
		t.Errorf("Handler(no name, no verifier) = %v; want both problems", err)
	}
}

func TestZeroValues(t *testing.T) {
	rec := httptest.NewRecorder()
	(&inbox.Handler{}).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}")))
	if rec.Code != 500 {
		t.Errorf("zero Handler = %d; want 500", rec.Code)
	}
	if _, err := (&inbox.Syncer{}).Sync(t.Context(), basicEvent("m", "a@b.c")); err == nil {
		t.Error("zero Syncer.Sync = nil error")
	}
}

// openerFunc is an inbox.Opener for the handler test.
type openerFunc func(h http.Header, body []byte) ([]byte, error)

func (f openerFunc) Verify(h http.Header, body []byte) error         { _, err := f(h, body); return err }
func (f openerFunc) Open(h http.Header, body []byte) ([]byte, error) { return f(h, body) }

// TestHandlerOpener: a verifier that opens an envelope hands the handler
// the document to decode, whatever the request's Content-Type said.
func TestHandlerOpener(t *testing.T) {
	e := newEnv(t, nil)
	e.contacts.Add("c1", "ada@example.com")
	inner := msgBody("m1", "ada@example.com", "opened")
	op := openerFunc(func(h http.Header, body []byte) ([]byte, error) {
		if string(body) != "envelope" {
			return nil, inbox.ErrInvalidSignature
		}
		return inner, nil
	})
	h, err := e.s.Handler(chatSource(op), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		body string
		code int
	}{{"envelope", http.StatusOK}, {"forged", http.StatusUnauthorized}} {
		req := httptest.NewRequest(http.MethodPost, "/hooks/chat", strings.NewReader(tt.body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.code {
			t.Errorf("POST %s = %d %s; want %d", tt.body, rec.Code, rec.Body, tt.code)
		}
	}
	if got := e.msgs.All(); len(got) != 1 || got[0].Message.Text != "opened" {
		t.Errorf("messages = %+v; want the opened one", got)
	}
}

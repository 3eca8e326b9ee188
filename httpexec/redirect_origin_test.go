package httpexec_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// TestRedirectOtherOriginKeepsNoChange: a 307 or 308 redirect asks to send the method and its
// body again at the Location. For a method other than GET or HEAD the Executor follows it only
// on the original origin (scheme, host and port): a change meant for one service never lands
// on another. Other redirects of a POST become a GET without a body, which may go anywhere
// the guard allows.
func TestRedirectOtherOriginKeepsNoChange(t *testing.T) {
	tests := []struct {
		name, method string
		status       int
		location     string
		noRetry      bool
		want         string // "refused", or the method and body that arrived at the target
	}{
		{"POST 307 to another host", "POST", 307, "https://other.example.com/x", true, "refused"},
		{"PUT 308 to another host", "PUT", 308, "https://other.example.com/x", true, "refused"},
		{"PATCH 307 to another port", "PATCH", 307, "https://api.example.com:8443/x", true, "refused"},
		{"DELETE 308 to plain http", "DELETE", 308, "http://api.example.com/x", true, "refused"},
		{"POST 307 protocol-relative", "POST", 307, "//other.example.com/x", true, "refused"},
		{"POST 307 without NoRetry", "POST", 307, "https://other.example.com/x", false, "refused"},
		{"POST 307 on the same origin", "POST", 307, "/x", true, `POST api.example.com {"refund": 5}`},
		{"PUT 308 same origin spelled differently", "PUT", 308, "https://API.example.com:443/x", true, `PUT api.example.com {"refund": 5}`},
		{"POST 303 to another host", "POST", 303, "https://other.example.com/x", true, "GET other.example.com "},
		{"POST 302 to another host", "POST", 302, "https://other.example.com/x", true, "GET other.example.com "},
		{"GET 307 to another host", "GET", 307, "https://other.example.com/x", true, "GET other.example.com "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu      sync.Mutex
				starts  int
				arrived []string
			)
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder(tt.method, "https://api.example.com/start", func(r *http.Request) (*http.Response, error) {
				mu.Lock()
				starts++
				mu.Unlock()
				resp := httpmock.NewStringResponse(tt.status, "")
				resp.Header.Set("Location", tt.location)
				return resp, nil
			})
			mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				var b []byte
				if r.Body != nil {
					b, _ = io.ReadAll(r.Body)
				}
				mu.Lock()
				arrived = append(arrived, r.Method+" "+strings.ToLower(r.URL.Hostname())+" "+string(b))
				mu.Unlock()
				return httpmock.NewStringResponse(200, `{"ok": true}`), nil
			})
			ex := mustNew(t, httpexec.Options{Transport: mt})
			req := &httpexec.Request{Method: tt.method, URL: "https://api.example.com/start", NoRetry: tt.noRetry,
				Header: http.Header{"Content-Type": {"application/json"}}}
			if tt.method != "GET" {
				req.Body = []byte(`{"refund": 5}`)
			}
			resp, err := ex.Do(t.Context(), req)
			mu.Lock()
			defer mu.Unlock()
			if tt.want == "refused" {
				if httpexec.CategoryOf(err) != httpexec.CategoryRedirect || !errors.Is(err, httpexec.ErrRedirectOrigin) {
					t.Fatalf("Do = %+v, %v; want a refused redirect", resp, err)
				}
				if len(arrived) != 0 || starts != 1 {
					t.Errorf("the target received %q and the origin %d requests; want nothing and 1", arrived, starts)
				}
				if msg := err.Error(); strings.Contains(msg, "other.example.com") || strings.Contains(msg, "refund") {
					t.Errorf("error %q names the target or the body", msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Do = %v; want the redirect followed", err)
			}
			if len(arrived) != 1 || arrived[0] != tt.want {
				t.Errorf("the target received %q, want [%q]", arrived, tt.want)
			}
		})
	}
}

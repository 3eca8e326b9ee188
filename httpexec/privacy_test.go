package httpexec_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// A contact whose values are everywhere in the expanded request.
const (
	contactEmail = "ada.lovelace+vip@example.com"
	contactName  = "Zoë O'Brien"
)

// contactTraces are spellings of the contact's values that must not reach
// logs, errors or events: raw, path-escaped, query-escaped, and pieces.
var contactTraces = []string{
	contactEmail, url.PathEscape(contactEmail), url.QueryEscape(contactEmail), "lovelace",
	contactName, url.PathEscape(contactName), url.QueryEscape(contactName), "Brien", "Zo%C3%AB",
}

const privacyTemplate = "https://api.example.com/v1/customers/{{contact.email}}/{{contact.name}}?email={{contact.email}}"

// privacyRequest is what an integration expands for the contact.
func privacyRequest(host string) *httpexec.Request {
	return &httpexec.Request{
		Method: "GET",
		URL: "https://" + host + "/v1/customers/" + url.PathEscape(contactEmail) + "/" + url.PathEscape(contactName) +
			"?email=" + url.QueryEscape(contactEmail),
		URLTemplate: strings.Replace(privacyTemplate, "api.example.com", host, 1),
		Header:      http.Header{"X-Contact-Email": {contactEmail}, "X-Contact-Name": {contactName}},
		CacheTTL:    time.Minute,
		Scope:       httpexec.Scope{Team: "t_42", Integration: "crm", Version: 3},
	}
}

// TestContactDataStaysOutOfLogsErrorsAndEvents runs requests carrying a
// contact's email and name through every way an execution can end, and
// searches everything the executor reports (its log records, at debug
// level, the errors' texts and fields, the Observe events) for the
// contact's values. It also checks that what is reported still identifies
// the call: the URL template, the team, the integration and the version.
func TestContactDataStaysOutOfLogsErrorsAndEvents(t *testing.T) {
	type setup struct {
		opts    httpexec.Options
		mt      *httpmock.MockTransport
		req     *httpexec.Request
		noTempl bool // drop URLTemplate: the call is named by its origin
	}
	cases := []struct {
		name    string
		prepare func(s *setup)
		calls   int // Do calls
	}{
		{"ok then cached", func(s *setup) {
			s.mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{"plan":"pro"}`))
		}, 2},
		{"ok without template", func(s *setup) {
			s.mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{"plan":"pro"}`))
			s.noTempl = true
		}, 2},
		{"not found", func(s *setup) {
			s.mt.RegisterNoResponder(httpmock.NewStringResponder(404, `{"error":"no such customer"}`))
		}, 1},
		{"server error without template", func(s *setup) {
			s.mt.RegisterNoResponder(httpmock.NewStringResponder(500, `oops`))
			s.noTempl = true
		}, 1},
		{"stale after failure", func(s *setup) {
			n := 0
			s.mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
				n++
				if n == 1 {
					return httpmock.NewStringResponse(200, `{"plan":"pro"}`), nil
				}
				return httpmock.NewStringResponse(503, `down`), nil
			})
			s.req.CacheTTL = time.Nanosecond
		}, 2},
		{"transport error naming the URL", func(s *setup) {
			s.mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				return nil, fmt.Errorf("dial %s: connection refused", r.URL)
			})
		}, 1},
		{"timeout", func(s *setup) {
			s.mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				<-r.Context().Done()
				return nil, r.Context().Err()
			})
			s.req.Timeout = 20 * time.Millisecond
		}, 1},
		{"too large", func(s *setup) {
			s.mt.RegisterNoResponder(httpmock.NewStringResponder(200, strings.Repeat("x", 100)))
			s.opts.MaxBodyBytes = 10
		}, 1},
		{"redirect loop", func(s *setup) {
			s.mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(302, "")
				resp.Header.Set("Location", r.URL.String())
				return resp, nil
			})
		}, 1},
		{"blocked destination", func(s *setup) {
			*s.req = *privacyRequest("10.0.0.1")
		}, 1},
		{"invalid port", func(s *setup) {
			*s.req = *privacyRequest("api.example.com:99999")
		}, 1},
		{"invalid header value", func(s *setup) {
			s.req.Header.Set("X-Contact-Name", contactName+"\r\nX-Injected: 1")
		}, 1},
		{"invalid method", func(s *setup) {
			s.req.Method = "GET " + contactEmail
		}, 1},
		{"cache down", func(s *setup) {
			s.mt.RegisterNoResponder(httpmock.NewStringResponder(200, `{"plan":"pro"}`))
			s.opts.Cache = failingCache{}
		}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var logs, events bytes.Buffer
			s := &setup{mt: httpmock.NewMockTransport(), req: privacyRequest("api.example.com")}
			s.opts = httpexec.Options{
				Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
				Observe: func(_ context.Context, ev httpexec.Event) {
					mu.Lock()
					fmt.Fprintf(&events, "%+v\n", ev)
					mu.Unlock()
				},
				Retry: httpexec.RetryPolicy{MaxAttempts: 2, Jitter: noJitter},
			}
			tc.prepare(s)
			s.opts.Transport = s.mt
			if s.noTempl {
				s.req.URLTemplate = ""
			}
			ex := mustNew(t, s.opts)
			var reported strings.Builder
			for range tc.calls {
				_, err := ex.Do(t.Context(), s.req)
				if err == nil {
					continue
				}
				fmt.Fprintf(&reported, "%v\n", err)
				if e, ok := errors.AsType[*httpexec.Error](err); ok {
					fmt.Fprintf(&reported, "%s %s %s %+v\n", e.Method, e.URL, e.Detail, e.Scope)
				}
				if se, ok := errors.AsType[*httpexec.StatusError](err); ok {
					fmt.Fprintf(&reported, "%s %s %+v\n", se.Method, se.URL, se.Scope)
				}
			}
			mu.Lock()
			all := map[string]string{"log": logs.String(), "error": reported.String(), "event": events.String()}
			mu.Unlock()
			for where, text := range all {
				for _, trace := range contactTraces {
					if strings.Contains(text, trace) {
						t.Errorf("contact value %q reached the %s:\n%s", trace, where, text)
					}
				}
			}
			// What is reported still identifies the call.
			name, _, _ := strings.Cut(s.req.URLTemplate, "?")
			if s.noTempl {
				u, _ := url.Parse(s.req.URL)
				name = u.Scheme + "://" + u.Host
			}
			if !strings.Contains(logs.String(), `"url":"`+name+`"`) {
				t.Errorf("log does not name the call %q:\n%s", name, logs.String())
			}
			for _, want := range []string{`"team":"t_42"`, `"integration":"crm"`, `"version":3`} {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("log lacks %s:\n%s", want, logs.String())
				}
			}
			if !strings.Contains(events.String(), "Scope:{Team:t_42 Integration:crm Version:3}") {
				t.Errorf("events lack the scope:\n%s", events.String())
			}
			if reported.Len() > 0 && !strings.Contains(reported.String(), "{Team:t_42 Integration:crm Version:3}") {
				t.Errorf("errors lack the scope:\n%s", reported.String())
			}
		})
	}
}

// The URL template is reported without its query, fragment and userinfo:
// an admin may have written an API key there.
func TestURLTemplateIsRedacted(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewStringResponder(404, ""))
	var got []httpexec.Event
	ex := mustNew(t, httpexec.Options{Transport: mt, Observe: func(_ context.Context, ev httpexec.Event) { got = append(got, ev) }})
	_, err := ex.Do(t.Context(), &httpexec.Request{
		URL:         "https://crm.example.com/c/ada?api_key=K3Y",
		URLTemplate: "https://user:PASSWORD@crm.example.com/c/{{contact.first_name}}?api_key=K3Y#frag",
	})
	want := "httpexec: GET https://crm.example.com/c/{{contact.first_name}}: status 404"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	if len(got) != 1 || got[0].URL != "https://crm.example.com/c/{{contact.first_name}}" || got[0].Host != "crm.example.com" {
		t.Errorf("events = %+v", got)
	}
}

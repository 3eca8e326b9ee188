package httpexec_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

// Credentials are asked for only when a request is sent: a fresh cache hit opens nothing, and
// the upstream receives the credential, not the stand-in the key is computed from.
func TestCredentialsOnlyOnSend(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	var got []string
	mt.RegisterResponder("GET", "https://api.example.com/c", func(r *http.Request) (*http.Response, error) {
		got = append(got, r.Header.Get("Authorization"))
		return httpmock.NewStringResponse(200, `{"echo":"`+r.Header.Get("Authorization")+`"}`), nil
	})
	opened := 0
	req := func() *httpexec.Request {
		return &httpexec.Request{
			URL: "https://api.example.com/c", CacheTTL: time.Hour,
			Header: http.Header{"Authorization": {"sealed:3f2a"}}, // the stand-in: a digest of the sealed value
			Credentials: func(context.Context) (*httpexec.Credentials, error) {
				opened++
				return &httpexec.Credentials{
					Header: http.Header{"authorization": {"Bearer tok_1"}},
					Redact: func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("tok_1"), []byte("****")) },
				}, nil
			},
		}
	}
	for i := range 3 {
		resp, err := ex.Do(t.Context(), req())
		if err != nil || resp.FromCache != (i > 0) {
			t.Fatalf("Do #%d = %+v, %v", i, resp, err)
		}
		// The echo is redacted before the body is stored: hits need no credential.
		if got, want := resp.Body.String(), `{"echo":"Bearer ****"}`; got != want {
			t.Errorf("Do #%d body = %s, want %s", i, got, want)
		}
	}
	if opened != 1 || fmt.Sprint(got) != "[Bearer tok_1]" {
		t.Errorf("Credentials called %d times, upstream saw %q; want 1 call and [Bearer tok_1]", opened, got)
	}
	r := req()
	r.Header.Set("Authorization", "sealed:9c1d") // the credential changed: another key
	if resp, err := ex.Do(t.Context(), r); err != nil || resp.FromCache || opened != 2 {
		t.Errorf("Do with another stand-in = %+v, %v, %d Credentials calls; want a miss and 2 calls", resp, err, opened)
	}
}

// A failing Credentials fails the execution, wrapping its error, and sends nothing.
func TestCredentialsError(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	mt.RegisterResponder("GET", "https://api.example.com/c", httpmock.NewStringResponder(200, `{}`))
	errKMS := errors.New("kms: unavailable")
	calls := 0
	_, err := ex.Do(t.Context(), &httpexec.Request{
		URL: "https://api.example.com/c",
		Credentials: func(context.Context) (*httpexec.Credentials, error) {
			calls++
			return nil, errKMS
		},
	})
	if !errors.Is(err, errKMS) || httpexec.CategoryOf(err) != httpexec.CategoryInternal || calls != 1 {
		t.Errorf("Do = %v (category %s, %d calls), want an internal error wrapping the Credentials error, one call", err, httpexec.CategoryOf(err), calls)
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Errorf("transport called %d times, want 0", n)
	}
	_, err = ex.Do(t.Context(), &httpexec.Request{
		URL: "https://api.example.com/c",
		Credentials: func(context.Context) (*httpexec.Credentials, error) {
			return &httpexec.Credentials{Header: http.Header{"X-Key": {"a\r\nX-Injected: 1"}}}, nil
		},
	})
	if httpexec.CategoryOf(err) != httpexec.CategoryInvalidRequest {
		t.Errorf("Do with a CR LF credential = %v, want invalid_request", err)
	}
}

// Credential headers are secret: a redirect to another host does not carry them.
func TestCredentialsDroppedOnCrossHostRedirect(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	mt.RegisterResponder("GET", "https://api.example.com/c", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(302, "")
		resp.Header.Set("Location", "https://other.example.net/c")
		return resp, nil
	})
	var leaked string
	mt.RegisterResponder("GET", "https://other.example.net/c", func(r *http.Request) (*http.Response, error) {
		leaked = r.Header.Get("X-Api-Key")
		return httpmock.NewStringResponse(200, `{}`), nil
	})
	_, err := ex.Do(t.Context(), &httpexec.Request{
		URL: "https://api.example.com/c",
		Credentials: func(context.Context) (*httpexec.Credentials, error) {
			return &httpexec.Credentials{Header: http.Header{"X-Api-Key": {"sk_live_1"}}}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if leaked != "" {
		t.Errorf("the other host received X-Api-Key %q", leaked)
	}
}

// A refresh that fails keeps the entry it bypassed: Stale, with the error.
func TestRefreshFailureKeepsEntry(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{Retry: httpexec.RetryPolicy{MaxAttempts: 1}})
	status := 200
	mt.RegisterResponder("GET", "https://api.example.com/x", func(*http.Request) (*http.Response, error) {
		return httpmock.NewStringResponse(status, fmt.Sprint(status)), nil
	})
	req := &httpexec.Request{URL: "https://api.example.com/x", CacheTTL: time.Hour}
	if _, err := ex.Do(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	status = 503
	refresh := *req
	refresh.Refresh = true
	resp, err := ex.Do(t.Context(), &refresh)
	if httpexec.CategoryOf(err) != httpexec.CategoryUpstream5xx || resp == nil || !resp.Stale || !resp.FromCache || resp.Body.String() != "200" {
		t.Fatalf("refresh while the upstream fails = %+v, %v; want the cached 200 body, Stale, with the 5xx error", resp, err)
	}
	if n := mt.GetTotalCallCount(); n != 2 {
		t.Errorf("upstream calls = %d, want 2 (the load and the refresh)", n)
	}
	// Without an entry, a failed refresh is just the error.
	other := refresh
	other.URL = "https://api.example.com/x?none"
	mt.RegisterResponder("GET", "https://api.example.com/x?none", httpmock.NewStringResponder(503, ""))
	if resp, err := ex.Do(t.Context(), &other); err == nil || (resp != nil && resp.Stale) {
		t.Errorf("refresh without an entry = %+v, %v; want the error, not stale", resp, err)
	}
}

package httpexec_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/httpexec"
)

func newMock(t *testing.T, opts httpexec.Options) (*httpexec.Executor, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	opts.Transport = mt
	ex, err := httpexec.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return ex, mt
}

func TestNewZeroOptions(t *testing.T) {
	ex, err := httpexec.New(httpexec.Options{})
	if err != nil {
		t.Fatalf("New(Options{}) error = %v", err)
	}
	if err := ex.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
}

func TestNewInvalidOptions(t *testing.T) {
	for _, o := range []httpexec.Options{
		{Timeout: -1},
		{MaxBodyBytes: -1},
		{CacheBytes: -1},
		{Retry: httpexec.RetryPolicy{MaxAttempts: -1}},
	} {
		if _, err := httpexec.New(o); err == nil {
			t.Errorf("New(%+v) error = nil, want error", o)
		}
	}
}

func TestDoGetAndCache(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	mt.RegisterResponder("GET", "https://api.example.com/v1/contacts/1",
		httpmock.NewStringResponder(200, `{"plan":"pro"}`))
	req := &httpexec.Request{
		URL:      "https://api.example.com/v1/contacts/1",
		CacheTTL: time.Minute,
		Scope:    httpexec.Scope{Team: "t1", Integration: "crm", Version: 1},
	}
	resp, err := ex.Do(t.Context(), req)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if resp.StatusCode != 200 || resp.Body.String() != `{"plan":"pro"}` || resp.FromCache || resp.Attempts != 1 {
		t.Fatalf("first Do = %+v", resp)
	}
	resp, err = ex.Do(t.Context(), req)
	if err != nil {
		t.Fatalf("Do (cached): %v", err)
	}
	if !resp.FromCache || resp.Body.String() != `{"plan":"pro"}` || resp.StoredAt.IsZero() {
		t.Fatalf("second Do = %+v, want from cache", resp)
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Fatalf("upstream calls = %d, want 1", n)
	}
	if err := ex.Invalidate(t.Context(), "t1", "crm"); err != nil {
		t.Fatalf("Invalidate: %v", err)
	}
	if _, err := ex.Do(t.Context(), req); err != nil {
		t.Fatalf("Do after Invalidate: %v", err)
	}
	if n := mt.GetTotalCallCount(); n != 2 {
		t.Fatalf("upstream calls after Invalidate = %d, want 2", n)
	}
}

func TestDoStatusError(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	mt.RegisterResponder("GET", "https://api.example.com/missing",
		httpmock.NewStringResponder(404, `{"error":"not found"}`))
	resp, err := ex.Do(t.Context(), &httpexec.Request{URL: "https://api.example.com/missing?token=abc"})
	se, ok := errors.AsType[*httpexec.StatusError](err)
	if !ok {
		t.Fatalf("Do error = %v, want *StatusError", err)
	}
	if resp == nil || resp.StatusCode != 404 || se.StatusCode != 404 || string(se.Body) != `{"error":"not found"}` {
		t.Fatalf("Do = %+v, %+v", resp, se)
	}
	if got := httpexec.CategoryOf(err); got != httpexec.CategoryUpstream4xx {
		t.Fatalf("CategoryOf = %q, want upstream_4xx", got)
	}
	// Without a URLTemplate the error names the origin only: the path may
	// hold contact data.
	if got, want := err.Error(), "httpexec: GET https://api.example.com: status 404"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func TestCategoryOf(t *testing.T) {
	tests := []struct {
		err  error
		want httpexec.Category
	}{
		{nil, httpexec.CategoryNone},
		{context.Canceled, httpexec.CategoryCanceled},
		{context.DeadlineExceeded, httpexec.CategoryTimeout},
		{errors.New("x"), httpexec.CategoryInternal},
		{&httpexec.StatusError{StatusCode: 429}, httpexec.CategoryRateLimited},
		{&httpexec.StatusError{StatusCode: 503}, httpexec.CategoryUpstream5xx},
		{&httpexec.StatusError{StatusCode: 304}, httpexec.CategoryUpstreamOther},
		{&httpexec.Error{Category: httpexec.CategoryBlocked}, httpexec.CategoryBlocked},
	}
	for _, tt := range tests {
		if got := httpexec.CategoryOf(tt.err); got != tt.want {
			t.Errorf("CategoryOf(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestDoInvalidURL(t *testing.T) {
	ex, mt := newMock(t, httpexec.Options{})
	for _, u := range []string{"ftp://x.example.com/", "https://user:pw@x.example.com/", "://", "https:///path", "https://10.0.0.1/"} {
		_, err := ex.Do(t.Context(), &httpexec.Request{URL: u})
		if c := httpexec.CategoryOf(err); c != httpexec.CategoryInvalidURL && c != httpexec.CategoryBlocked {
			t.Errorf("Do(%q) category = %q (%v), want invalid_url or blocked", u, c, err)
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Fatalf("upstream calls = %d, want 0", n)
	}
	_ = http.MethodGet
}

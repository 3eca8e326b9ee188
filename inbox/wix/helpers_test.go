package wix_test

import (
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/inboxkit/inboxkit/inbox/wix"
)

var update = flag.Bool("update", false, "rewrite testdata/requests/*.json from the requests the client sends")

const base = "https://wix.test"

var appAuth = wix.Auth{AppID: "11111111-2222-4333-8444-555555555555", AppSecret: "app-secret-DO-NOT-LOG", InstanceID: "66666666-7777-4888-8999-000000000000"}

// recorded is one request as the tests pin it.
type recorded struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    any               `json:"body"`
}

// recorder is an httpmock transport that records every request and answers
// with the responders registered on it.
type recorder struct {
	*httpmock.MockTransport
	mu   sync.Mutex
	reqs []recorded
}

func newRecorder() *recorder {
	r := &recorder{MockTransport: httpmock.NewMockTransport()}
	return r
}

// on registers a responder for POST path that records the request first.
func (r *recorder) on(path string, resp httpmock.Responder) {
	r.RegisterResponder(http.MethodPost, base+path, func(req *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(req.Body)
		var body any
		if err := json.Unmarshal(b, &body); err != nil {
			body = string(b)
		}
		h := map[string]string{}
		for _, k := range []string{"Authorization", "Content-Type", "Wix-Site-Id"} {
			if v := req.Header.Get(k); v != "" {
				h[k] = v
			}
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, recorded{req.Method, req.URL.Path, h, body})
		r.mu.Unlock()
		return resp(req)
	})
}

func (r *recorder) requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

func (r *recorder) count(path string) int {
	return r.GetCallCountInfo()[http.MethodPost+" "+base+path]
}

func jsonResponder(status int, body string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

// tokenResponder answers /oauth2/token with tokens "tok-1", "tok-2", ...
func tokenResponder(ttl int) httpmock.Responder {
	var mu sync.Mutex
	n := 0
	return func(*http.Request) (*http.Response, error) {
		mu.Lock()
		n++
		tok := "tok-" + strconv.Itoa(n)
		mu.Unlock()
		return httpmock.NewJsonResponse(200, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": ttl})
	}
}

func newClient(t testing.TB, rt http.RoundTripper, mod func(o *wix.Options)) *wix.Client {
	t.Helper()
	o := wix.Options{Auth: appAuth, Transport: rt, BaseURL: base, MaxRetryWait: -1}
	if mod != nil {
		mod(&o)
	}
	c, err := wix.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// golden compares got with testdata/requests/name.json (rewritten with
// -update).
func golden(t *testing.T, name string, got any) {
	t.Helper()
	path := filepath.Join("testdata", "requests", name+".json")
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// fakeClock is a settable clock for token expiry.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

package wix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/inboxkit/inboxkit/inbox"
)

// DefaultBaseURL is Wix's REST API host.
const DefaultBaseURL = "https://www.wixapis.com"

// Defaults of [Options].
const (
	// DefaultTimeout bounds each HTTP request.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxRetryWait is the longest Retry-After a call waits out.
	DefaultMaxRetryWait = 5 * time.Second
	// DefaultPageSize is the Query Contacts page size.
	DefaultPageSize = 100
	// DefaultMaxContacts caps the contacts one lookup returns.
	DefaultMaxContacts = 1000
)

// maxResponseBytes caps every response body read from Wix.
const maxResponseBytes = 1 << 20

// Auth says how the client authenticates: as a Wix app instance (AppID,
// AppSecret and InstanceID: OAuth client-credentials access tokens) or
// with an API key and the site it belongs to (APIKey and SiteID, for a
// site's own scripts). Exactly one of the two sets is required. Its String,
// GoString and LogValue methods redact the secrets, so an Auth printed by
// mistake leaks nothing.
type Auth struct {
	// AppID is the app's id (OAuth client_id).
	AppID string
	// AppSecret is the app's secret key (OAuth client_secret).
	AppSecret string
	// InstanceID is the app's instance on the site.
	InstanceID string

	// APIKey is an API key created in the site's account.
	APIKey string
	// SiteID is the site the API key acts on (the wix-site-id header).
	SiteID string
}

func (a Auth) app() bool { return a.AppID != "" || a.AppSecret != "" || a.InstanceID != "" }

func (a Auth) validate() error {
	switch {
	case a.app() && (a.APIKey != "" || a.SiteID != ""):
		return errors.New("wix: options: auth: give app credentials or an API key, not both")
	case a.app():
		for _, f := range [...]struct{ name, v string }{{"app_id", a.AppID}, {"app_secret", a.AppSecret}, {"instance_id", a.InstanceID}} {
			if f.v == "" {
				return errors.New("wix: options: auth: " + f.name + " is required with app credentials")
			}
		}
	case a.APIKey == "" && a.SiteID == "":
		return errors.New("wix: options: auth: app credentials or an API key are required")
	case a.APIKey == "" || a.SiteID == "":
		return errors.New("wix: options: auth: api_key and site_id go together")
	}
	for _, v := range [...]string{a.AppID, a.AppSecret, a.InstanceID, a.APIKey, a.SiteID} {
		if strings.ContainsAny(v, "\r\n\x00") {
			return errors.New("wix: options: auth: a credential contains CR, LF or NUL")
		}
	}
	return nil
}

// String describes a without its secrets.
func (a Auth) String() string {
	if a.app() {
		return "wix.Auth{AppID: " + a.AppID + ", InstanceID: " + a.InstanceID + ", AppSecret: [redacted]}"
	}
	return "wix.Auth{SiteID: " + a.SiteID + ", APIKey: [redacted]}"
}

// GoString is String, so that %#v redacts too.
func (a Auth) GoString() string { return a.String() }

// LogValue implements slog.LogValuer without the secrets.
func (a Auth) LogValue() slog.Value {
	if a.app() {
		return slog.GroupValue(slog.String("app_id", a.AppID), slog.String("instance_id", a.InstanceID))
	}
	return slog.GroupValue(slog.String("site_id", a.SiteID))
}

// A Badge is the optional badge Wix Inbox shows on each message the client
// sends, such as "via SMS".
type Badge struct {
	// Text is the badge's display text (required).
	Text string
	// IconURL is an optional https URL of an icon.
	IconURL string
	// BusinessOnly hides the badge from the participant.
	BusinessOnly bool
}

// Options configures a [Client]. Auth is required; every other zero value
// means a default.
type Options struct {
	// Auth is how the client authenticates (required).
	Auth Auth
	// Transport performs the requests; nil means http.DefaultTransport.
	// Tests inject an httpmock.MockTransport or a stand-in server's.
	Transport http.RoundTripper
	// BaseURL is the API's scheme and host; empty means [DefaultBaseURL].
	// Tests point it at a stand-in such as package wixtest's.
	BaseURL string
	// Timeout bounds each HTTP request; zero means [DefaultTimeout].
	Timeout time.Duration
	// MaxRetryWait bounds how long a call waits for a Retry-After before
	// retrying once; a longer Retry-After is returned as a temporary error
	// at once. Zero means [DefaultMaxRetryWait]; negative never waits.
	MaxRetryWait time.Duration
	// PageSize is the Query Contacts page size, at most 1000; zero means
	// [DefaultPageSize].
	PageSize int
	// MaxContacts caps the contacts one lookup returns across pages; zero
	// means [DefaultMaxContacts].
	MaxContacts int
	// Badge, when Text is set, is added to every message.
	Badge Badge
	// SendNotifications makes Wix notify the business of each message.
	SendNotifications bool
	// Silent keeps messages out of the unread count and the conversation
	// summary of the message list.
	Silent bool
	// AllowDuplicates lets CreateContact create a contact whose email or
	// phone another contact has; by default Wix refuses it, and
	// CreateContact returns the existing contact instead.
	AllowDuplicates bool
	// Now returns the current time for token expiry; nil means time.Now.
	Now func() time.Time
}

// A Client is a Wix Inbox connector: it implements [inbox.Contacts],
// [inbox.PhoneContacts], [inbox.ContactCreator], [inbox.Conversations] and
// [inbox.Messages] on Wix's REST API for one site (one app instance or one
// API key). It is safe for concurrent use by multiple goroutines and
// starts no goroutines.
type Client struct {
	o      Options
	base   string
	hc     *http.Client
	tokens *tokenSource
	// seen remembers how recent lookups found each contact id, so that a
	// conversation call refused with 404 (the contact was merged into
	// another) can find the contact again.
	seen *lru.Cache[string, lookup]
}

var (
	_ inbox.Contacts       = (*Client)(nil)
	_ inbox.PhoneContacts  = (*Client)(nil)
	_ inbox.ContactCreator = (*Client)(nil)
	_ inbox.Conversations  = (*Client)(nil)
	_ inbox.Messages       = (*Client)(nil)
)

// lookup is the filter that found a contact: a Query Contacts field and
// its value.
type lookup struct{ field, value string }

// New returns a Client, or an error naming the invalid option.
func New(o Options) (*Client, error) {
	if err := o.Auth.validate(); err != nil {
		return nil, err
	}
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, errors.New("wix: options: base_url must be a scheme and host, such as " + DefaultBaseURL)
	}
	switch {
	case o.Timeout < 0:
		return nil, errors.New("wix: options: negative timeout")
	case o.PageSize < 0 || o.PageSize > 1000:
		return nil, errors.New("wix: options: page_size out of range 1..1000")
	case o.MaxContacts < 0:
		return nil, errors.New("wix: options: negative max_contacts")
	case o.Badge.IconURL != "" && !webURL(o.Badge.IconURL):
		return nil, errors.New("wix: options: badge.icon_url must be an absolute http or https URL")
	case o.Badge.Text == "" && (o.Badge.IconURL != "" || o.Badge.BusinessOnly):
		return nil, errors.New("wix: options: badge.text is required for a badge")
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxRetryWait == 0 {
		o.MaxRetryWait = DefaultMaxRetryWait
	}
	if o.PageSize == 0 {
		o.PageSize = DefaultPageSize
	}
	if o.MaxContacts == 0 {
		o.MaxContacts = DefaultMaxContacts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	tr := o.Transport
	if tr == nil {
		tr = http.DefaultTransport
	}
	seen, err := lru.New[string, lookup](1024)
	if err != nil {
		return nil, fmt.Errorf("wix: %v", err)
	}
	c := &Client{
		o:    o,
		base: strings.TrimSuffix(o.BaseURL, "/"),
		// Wix's API does not redirect; following one could carry the
		// Authorization header elsewhere.
		hc: &http.Client{Transport: tr, Timeout: o.Timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
		seen: seen,
	}
	if o.Auth.app() {
		c.tokens = &tokenSource{c: c}
	}
	return c, nil
}

// call sends one JSON request to Wix and decodes the response into out. It
// authenticates, refreshes an app token once on 401, and waits out one
// Retry-After (within Options.MaxRetryWait) of a 429, or of a 5xx when
// retry5xx is set (the call is idempotent).
func (c *Client) call(ctx context.Context, op, path string, in, out any, retry5xx bool) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("wix: %s: encode request: %v", op, err)
	}
	refreshed, waited := false, false
	var stale string
	for {
		status, hdr, resp, tok, err := c.send(ctx, path, body, stale)
		if err != nil {
			return fmt.Errorf("wix: %s: %w", op, err)
		}
		if status/100 == 2 {
			if out == nil {
				return nil
			}
			if err := json.Unmarshal(resp, out); err != nil {
				return &Error{Op: op, StatusCode: status, Code: "INVALID_RESPONSE", RequestID: hdr.Get("X-Wix-Request-Id")}
			}
			return nil
		}
		e := newError(op, status, hdr, resp)
		switch {
		case status == http.StatusUnauthorized && c.tokens != nil && !refreshed:
			refreshed, stale = true, tok
			continue
		case !waited && (status == http.StatusTooManyRequests || retry5xx && status >= 500):
			if c.wait(ctx, e.RetryAfter) {
				waited = true
				continue
			}
		}
		return e
	}
}

// send performs one authenticated request. stale, if set, is a token Wix
// refused, to be refreshed before use. It returns the token it used.
func (c *Client) send(ctx context.Context, path string, body []byte, stale string) (int, http.Header, []byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	var tok string
	if c.tokens != nil {
		if tok, err = c.tokens.token(ctx, stale); err != nil {
			return 0, nil, nil, "", err
		}
		req.Header.Set("Authorization", tok)
	} else {
		req.Header.Set("Authorization", c.o.Auth.APIKey)
		req.Header.Set("wix-site-id", c.o.Auth.SiteID)
	}
	status, hdr, resp, err := c.do(req)
	return status, hdr, resp, tok, err
}

// do performs req and reads at most maxResponseBytes of the response.
// Transport failures wrap inbox.ErrTemporary (or ctx's error).
func (c *Client) do(req *http.Request) (int, http.Header, []byte, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return 0, nil, nil, ctxErr
		}
		// err (a *url.Error) is not wrapped: it repeats the URL and
		// transport details the caller does not need.
		return 0, nil, nil, fmt.Errorf("request failed: %w", inbox.ErrTemporary)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("reading the response: %w", inbox.ErrTemporary)
	}
	if len(b) > maxResponseBytes {
		return 0, nil, nil, errors.New("response larger than 1 MiB")
	}
	return resp.StatusCode, resp.Header, b, nil
}

// wait sleeps for d (zero: a short pause, at most 100 ms) if that fits
// Options.MaxRetryWait and ctx's deadline, and reports whether it did.
func (c *Client) wait(ctx context.Context, d time.Duration) bool {
	if c.o.MaxRetryWait < 0 || d > c.o.MaxRetryWait {
		return false
	}
	if d <= 0 {
		d = min(100*time.Millisecond, c.o.MaxRetryWait)
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// retryAfter parses a Retry-After header in seconds or as an HTTP date;
// zero when absent or invalid.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 || s > 86400 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// validID reports whether an id Wix returned is usable: 1 to 256 bytes of
// printable ASCII. Ids reach ledger keys and host logs, so a response that
// smuggles a line break or markup through one is refused.
func validID(s string) bool {
	return s != "" && len(s) <= 256 && validCode(s) != "" && !strings.ContainsAny(s, "<>\"'")
}

func webURL(s string) bool {
	if s == "" || len(s) > 2000 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

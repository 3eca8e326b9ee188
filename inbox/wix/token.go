package wix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
)

// tokenMargin is how long before its expiry a token is refreshed.
const tokenMargin = 5 * time.Minute

// tokenSource caches the app instance's access token. Of any number of
// concurrent callers needing a new token, one requests it and the others
// wait for its result.
type tokenSource struct {
	c        *Client
	mu       sync.Mutex
	tok      string
	exp      time.Time
	inflight *tokenCall
}

type tokenCall struct {
	done chan struct{}
	tok  string
	err  error
}

// token returns a valid access token. stale is a token Wix refused with
// 401: if it is still the cached one, it is replaced.
func (ts *tokenSource) token(ctx context.Context, stale string) (string, error) {
	ts.mu.Lock()
	if ts.tok != "" && ts.tok != stale && ts.c.o.Now().Before(ts.exp) {
		tok := ts.tok
		ts.mu.Unlock()
		return tok, nil
	}
	call := ts.inflight
	if call == nil {
		call = &tokenCall{done: make(chan struct{})}
		ts.inflight = call
		ts.mu.Unlock()
		// The request is not bound to this caller's ctx: other callers
		// wait for it too. The client's Timeout bounds it.
		tok, exp, err := ts.fetch(context.WithoutCancel(ctx))
		// The new token is cached and the call retired at once: a caller
		// that was refused the new token must never join this call, which
		// would hand it the refused token again (TestRefreshOn401 caught
		// that when the two took a lock each).
		ts.mu.Lock()
		if err == nil {
			ts.tok, ts.exp = tok, exp
		}
		ts.inflight = nil
		ts.mu.Unlock()
		call.tok, call.err = tok, err
		close(call.done)
	} else {
		ts.mu.Unlock()
	}
	select {
	case <-call.done:
		return call.tok, call.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// fetch requests a token with the client-credentials grant and returns it
// with the time to replace it.
func (ts *tokenSource) fetch(ctx context.Context) (string, time.Time, error) {
	c := ts.c
	in := struct {
		GrantType    string `json:"grant_type"`
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		InstanceID   string `json:"instance_id"`
	}{"client_credentials", c.o.Auth.AppID, c.o.Auth.AppSecret, c.o.Auth.InstanceID}
	body, err := json.Marshal(in)
	if err != nil {
		return "", time.Time{}, err
	}
	now := c.o.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/oauth2/token", strings.NewReader(string(body)))
	if err != nil {
		return "", time.Time{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	status, hdr, resp, err := c.do(req)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("token: %w", err)
	}
	if status != http.StatusOK {
		e := newError("token", status, hdr, resp)
		if status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusBadRequest {
			e.Description = "" // may describe the credentials
		}
		return "", time.Time{}, e
	}
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(resp, &out); err != nil || out.AccessToken == "" || strings.ContainsAny(out.AccessToken, "\r\n\x00") {
		return "", time.Time{}, fmt.Errorf("token: invalid response: %w", inbox.ErrTemporary)
	}
	if out.ExpiresIn <= 0 || out.ExpiresIn > 30*86400 {
		return "", time.Time{}, errors.New("token: invalid expires_in")
	}
	life := time.Duration(out.ExpiresIn) * time.Second
	margin := min(tokenMargin, life/10)
	return out.AccessToken, now.Add(life - margin), nil
}

package httpexec_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"

	"github.com/inboxkit/inboxkit/httpexec"
)

// logging is host middleware, standing in for OpenTelemetry's otelhttp
// transport or a metrics layer: it sees every request and passes it on.
type logging struct{ next http.RoundTripper }

func (l logging) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	if err != nil {
		fmt.Printf("transport: %s %s refused: %v\n", r.Method, r.URL.Host, errors.Is(err, httpexec.ErrBlocked))
		return nil, err
	}
	fmt.Printf("transport: %s %s -> %d\n", r.Method, r.URL.Path, resp.StatusCode)
	return resp, nil
}

// Middleware wraps the guarded transport instead of replacing it, so the
// SSRF guard stays underneath whatever the host adds.
func ExampleNewTransport() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"plan":"pro"}`)
	}))
	defer srv.Close()

	guard := httpexec.GuardOptions{
		// httptest listens on loopback, which the guard refuses unless allowed.
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
	}
	base, err := httpexec.NewTransport(guard)
	if err != nil {
		log.Fatal(err)
	}
	defer base.CloseIdleConnections()
	exec, err := httpexec.New(httpexec.Options{
		Transport:    logging{next: base},
		AllowPrivate: guard.AllowPrivate, // the Executor's URL checks match the dialer
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := exec.Do(context.Background(), &httpexec.Request{URL: srv.URL + "/contacts/7"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Body.String())

	// The wrapped transport still refuses what the guard refuses, even
	// used on its own.
	client := &http.Client{Transport: logging{next: base}}
	if _, err := client.Get("http://169.254.169.254/latest/meta-data/"); err == nil {
		log.Fatal("the metadata address was reached")
	}
	// Output:
	// transport: GET /contacts/7 -> 200
	// {"plan":"pro"}
	// transport: GET 169.254.169.254 refused: true
}

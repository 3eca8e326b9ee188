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

// A 307 redirect of a POST to another origin is not followed: the body never reaches the
// other server. On the same origin it is.
func ExampleExecutor_Do_redirectOtherOrigin() {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("the other server received a", r.Method)
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/refunds":
			http.Redirect(w, r, other.URL+"/refunds", http.StatusTemporaryRedirect)
		case "/v1/refunds":
			http.Redirect(w, r, "/v2/refunds", http.StatusPermanentRedirect)
		default:
			fmt.Fprint(w, `{"refunded": true}`)
		}
	}))
	defer api.Close()
	exec, err := httpexec.New(httpexec.Options{AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		log.Fatal(err)
	}
	defer exec.Close()
	for _, path := range []string{"/refunds", "/v1/refunds"} {
		resp, err := exec.Do(context.Background(), &httpexec.Request{Method: "POST", URL: api.URL + path,
			Body: []byte(`{"amount": 5}`), NoRetry: true})
		if err != nil {
			fmt.Println(path, httpexec.CategoryOf(err), errors.Is(err, httpexec.ErrRedirectOrigin))
			continue
		}
		fmt.Println(path, resp.StatusCode, resp.Body.String())
	}
	// Output:
	// /refunds redirect true
	// /v1/refunds 200 {"refunded": true}
}

package httpexec_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
)

func ExampleExecutor_Do() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"plan":"pro"}`)
	}))
	defer srv.Close()

	// httptest listens on loopback, which the guarded transport refuses
	// unless the host allows it explicitly.
	exec, err := httpexec.New(httpexec.Options{
		AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer exec.Close()
	resp, err := exec.Do(context.Background(), &httpexec.Request{Method: "GET", URL: srv.URL})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, resp.Body.String())
	// Output: 200 {"plan":"pro"}
}

func ExampleExecutor_Do_cached() {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		fmt.Fprintf(w, `{"call":%d}`, calls)
	}))
	defer srv.Close()
	exec, err := httpexec.New(httpexec.Options{AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		log.Fatal(err)
	}
	defer exec.Close()

	req := &httpexec.Request{
		URL:      srv.URL + "/contacts/42",
		CacheTTL: 5 * time.Minute,
		Scope:    httpexec.Scope{Team: "t_42", Integration: "crm", Version: 1},
	}
	for range 2 {
		resp, err := exec.Do(context.Background(), req)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(resp.Body.String(), "from cache:", resp.FromCache)
	}
	// The integration was edited: drop its cached responses.
	if err := exec.Invalidate(context.Background(), "t_42", "crm"); err != nil {
		log.Fatal(err)
	}
	resp, _ := exec.Do(context.Background(), req)
	fmt.Println(resp.Body.String(), "from cache:", resp.FromCache)
	// Output:
	// {"call":1} from cache: false
	// {"call":1} from cache: true
	// {"call":2} from cache: false
}

func ExampleExecutor_Do_blocked() {
	exec, err := httpexec.New(httpexec.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, u := range []string{
		"http://169.254.169.254/latest/meta-data/",
		"http://[::ffff:127.0.0.1]/admin",
		"http://2130706433/",
		"gopher://example.com/",
	} {
		_, err := exec.Do(context.Background(), &httpexec.Request{URL: u + "?token=secret"})
		fmt.Println(httpexec.CategoryOf(err), "-", err)
	}
	// Output:
	// blocked - httpexec: GET http://169.254.169.254: blocked: metadata address
	// blocked - httpexec: GET http://[::ffff:127.0.0.1]: blocked: loopback address
	// invalid_url - httpexec: GET http://2130706433: invalid_url: non-canonical IP address
	// invalid_url - httpexec: GET gopher://example.com: invalid_url: scheme must be http or https
}

func ExampleCategoryOf() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"no such contact"}`, http.StatusNotFound)
	}))
	defer srv.Close()
	exec, err := httpexec.New(httpexec.Options{AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		log.Fatal(err)
	}
	defer exec.Close()

	// Agent-safe messages keyed by category.
	messages := map[httpexec.Category]string{
		httpexec.CategoryUpstream4xx: "The service did not find this contact.",
		httpexec.CategoryTimeout:     "The service is slow to answer.",
		httpexec.CategoryBlocked:     "This address is not allowed.",
	}
	resp, err := exec.Do(context.Background(), &httpexec.Request{URL: srv.URL + "/contacts/7"})
	fmt.Println(resp.StatusCode, messages[httpexec.CategoryOf(err)])
	if se, ok := errors.AsType[*httpexec.StatusError](err); ok {
		fmt.Printf("%s", se.Body)
	}
	// Output:
	// 404 The service did not find this contact.
	// {"error":"no such contact"}
}

// Errors, logs and events name a call by its URL template and scope, never
// by the expanded URL, which holds the contact's data.
func ExampleRequest_urlTemplate() {
	notFound := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 404, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
	})
	exec, err := httpexec.New(httpexec.Options{Transport: notFound})
	if err != nil {
		log.Fatal(err)
	}
	req := &httpexec.Request{
		URL:         "https://crm.example.com/v1/customers/ada%40example.com?name=Ada",
		URLTemplate: "https://crm.example.com/v1/customers/{{contact.email}}?name={{contact.first_name}}",
		Scope:       httpexec.Scope{Team: "t_42", Integration: "crm", Version: 3},
	}
	_, err = exec.Do(context.Background(), req)
	fmt.Println(err)
	if se, ok := errors.AsType[*httpexec.StatusError](err); ok {
		fmt.Printf("%+v\n", se.Scope)
	}

	req.URLTemplate = "" // without a template, only the origin is safe to show
	_, err = exec.Do(context.Background(), req)
	fmt.Println(err)
	// Output:
	// httpexec: GET https://crm.example.com/v1/customers/{{contact.email}}: status 404
	// {Team:t_42 Integration:crm Version:3}
	// httpexec: GET https://crm.example.com: status 404
}

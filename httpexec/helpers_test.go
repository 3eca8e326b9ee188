package httpexec_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
)

// loopback is the explicit opt-in tests use to reach httptest servers.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}

// fakeResolver maps host names to addresses and counts lookups.
type fakeResolver struct {
	mu      sync.Mutex
	hosts   map[string][]netip.Addr
	lookups []string
}

func newFakeResolver(kv ...string) *fakeResolver {
	r := &fakeResolver{hosts: map[string][]netip.Addr{}}
	for i := 0; i+1 < len(kv); i += 2 {
		for _, a := range strings.Split(kv[i+1], ",") {
			r.hosts[kv[i]] = append(r.hosts[kv[i]], netip.MustParseAddr(a))
		}
	}
	return r
}

func (r *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lookups = append(r.lookups, host)
	if a, ok := r.hosts[strings.TrimSuffix(host, ".")]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// noDNS is the resolver mustNew installs when a test sets none: a test that
// reaches the system resolver would send a DNS query off this machine.
type noDNS struct{ t testing.TB }

func (r noDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.t.Errorf("test resolved %q through the system resolver; set Options.Resolver", host)
	return nil, &net.DNSError{Err: "no DNS in tests", Name: host, IsNotFound: true}
}

// newServer starts an httptest server on 127.0.0.1, closed at cleanup.
func newServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// newServerOn starts an httptest server on another loopback address, so
// that tests can allow it while 127.0.0.1 stays refused. Linux routes all
// of 127.0.0.0/8 to lo; elsewhere the test is skipped.
func newServerOn(t testing.TB, ip string, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func mustNew(t testing.TB, o httpexec.Options) *httpexec.Executor {
	t.Helper()
	if o.Resolver == nil {
		o.Resolver = noDNS{t}
	}
	ex, err := httpexec.New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	httpexec.FenceLoopback(t, ex)
	t.Cleanup(func() { ex.Close() })
	return ex
}

func noJitter(time.Duration) time.Duration { return 0 }

// leakedGoroutines returns the stacks of goroutines that belong to an
// execution or a client connection.
func leakedGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "inboxkit/httpexec.(*") || strings.Contains(g, "net/http.(*persistConn)") ||
			strings.Contains(g, "net/http.(*Transport)") {
			out = append(out, g)
		}
	}
	return out
}

// checkNoLeaks fails t when execution or client-connection goroutines are
// still running after cleanup (servers closed, idle connections closed).
// It polls for up to 5 s of real time for goroutines to unwind.
func checkNoLeaks(t *testing.T) {
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			g := leakedGoroutines()
			if len(g) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d goroutines leaked:\n%s", len(g), strings.Join(g, "\n\n"))
				return
			}
			<-tick.C
		}
	})
}

func httpHandlerString(s string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(s)) }
}

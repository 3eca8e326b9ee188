package rediscache_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/httpexec/rediscache"
)

// TestMain turns the test binary into a fleet worker (an app server)
// when TestFleet re-executes it.
func TestMain(m *testing.M) {
	if os.Getenv("INBOXKIT_FLEET_WORKER") == "1" {
		os.Exit(fleetWorker())
	}
	code := m.Run()
	// Example's keys: the one test without a testing.T for its cleanup.
	if opt, err := redisOptions(); err == nil {
		client := redis.NewClient(opt)
		if err := deleteKeys(client, fmt.Sprintf("inboxkit-example:%d:", os.Getpid())); err != nil && code == 0 {
			fmt.Fprintln(os.Stderr, "cleanup of Example's keys:", err)
			code = 1
		}
		client.Close()
	}
	os.Exit(code)
}

// command is what TestFleet asks a worker to do; reply is the answer.
type command struct {
	Op      string // load, invalidate, healthy
	N       int    // concurrent profile loads
	Contact string
}

type reply struct {
	OK        int
	FromCache int
	Errors    []string
	Bodies    map[string]int
}

// fleetWorker is an app server: an Executor on a Redis cache, reached
// through the parent's proxy, loading contacts from the parent's
// upstream on command (one JSON line in, one out).
func fleetWorker() int {
	opt, err := redis.ParseURL(os.Getenv("INBOXKIT_FLEET_REDIS_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	opt.Network, opt.Addr = "tcp", os.Getenv("INBOXKIT_FLEET_PROXY")
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = 2*time.Second, 2*time.Second, 2*time.Second // see clientOptions
	opt.MaxRetries, opt.DialerRetries = 1, 1
	client := redis.NewClient(opt)
	defer client.Close()
	cache, err := rediscache.New(client, rediscache.Options{Prefix: os.Getenv("INBOXKIT_FLEET_PREFIX"), OutageBackoff: 200 * time.Millisecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ex, err := httpexec.New(httpexec.Options{Cache: cache, AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer ex.Close()
	upstream := os.Getenv("INBOXKIT_FLEET_UPSTREAM")
	ctx := context.Background()
	in := bufio.NewScanner(os.Stdin)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var cmd command
		if err := json.Unmarshal(in.Bytes(), &cmd); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		r := reply{Bodies: map[string]int{}}
		switch cmd.Op {
		case "load":
			req := &httpexec.Request{
				URL:      upstream + "/contacts?email=" + cmd.Contact,
				CacheTTL: time.Minute,
				Scope:    httpexec.Scope{Team: "t_42", Integration: "crm", Version: 1},
			}
			var mu sync.Mutex
			var wg sync.WaitGroup
			for range cmd.N {
				wg.Go(func() {
					resp, err := ex.Do(ctx, req)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						r.Errors = append(r.Errors, err.Error())
						return
					}
					r.OK++
					r.Bodies[resp.Body.String()]++
					if resp.FromCache {
						r.FromCache++
					}
				})
			}
			wg.Wait()
		case "invalidate":
			if err := ex.Invalidate(ctx, "t_42", "crm"); err != nil {
				r.Errors = append(r.Errors, err.Error())
			}
		case "healthy": // until the cache answers again after an outage
			deadline := time.Now().Add(10 * time.Second)
			for {
				_, err := cache.Get(ctx, httpexec.CacheKey{Team: "probe"})
				if err == nil {
					break
				}
				if time.Now().After(deadline) {
					r.Errors = append(r.Errors, err.Error())
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		if err := out.Encode(r); err != nil {
			return 2
		}
	}
	return 0
}

// worker is the parent's handle on a worker process.
type worker struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *json.Decoder
}

func startWorker(t *testing.T, env []string) *worker {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &worker{cmd: cmd, in: in, out: json.NewDecoder(out)}
	t.Cleanup(func() {
		in.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("worker %d: %v", cmd.Process.Pid, err)
		}
	})
	return w
}

func (w *worker) do(t *testing.T, c command) reply {
	t.Helper()
	b, _ := json.Marshal(c)
	if _, err := w.in.Write(append(b, '\n')); err != nil {
		t.Fatalf("worker %d: %v", w.cmd.Process.Pid, err)
	}
	var r reply
	if err := w.out.Decode(&r); err != nil {
		t.Fatalf("worker %d: %v", w.cmd.Process.Pid, err)
	}
	return r
}

// all runs c on every worker at once and merges the replies.
func all(t *testing.T, ws []*worker, c command) reply {
	t.Helper()
	replies := make([]reply, len(ws))
	var wg sync.WaitGroup
	for i, w := range ws {
		wg.Go(func() { replies[i] = w.do(t, c) })
	}
	wg.Wait()
	sum := reply{Bodies: map[string]int{}}
	for _, r := range replies {
		sum.OK += r.OK
		sum.FromCache += r.FromCache
		sum.Errors = append(sum.Errors, r.Errors...)
		for b, n := range r.Bodies {
			sum.Bodies[b] += n
		}
	}
	return sum
}

// proxy is a TCP proxy between the workers and Redis that the test cuts
// and restores: a Redis outage without touching the shared server.
type proxy struct {
	ln     net.Listener
	target string
	cut    atomic.Bool
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

func startProxy(t *testing.T, network, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if p.cut.Load() {
				c.Close()
				continue
			}
			up, err := net.Dial(network, target)
			if err != nil {
				c.Close()
				continue
			}
			p.track(c, up)
			p.wg.Go(func() { io.Copy(up, c); up.Close(); c.Close() })
			p.wg.Go(func() { io.Copy(c, up); up.Close(); c.Close() })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		p.setCut(true)
		p.wg.Wait()
	})
	return p
}

func (p *proxy) track(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		p.conns[c] = struct{}{}
	}
}

// setCut cuts every connection and refuses new ones, or lets them in again.
func (p *proxy) setCut(cut bool) {
	p.cut.Store(cut)
	if !cut {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// TestFleet is P12 with real processes: 3 app servers (this binary,
// re-executed) share one Redis through a proxy; the upstream is an
// httptest server here that takes 50 ms.
func TestFleet(t *testing.T) {
	client := newClient(t) // fails, not skips, without Redis
	prefix := testPrefix(t, client)
	var version atomic.Int32
	version.Store(1)
	var mu sync.Mutex
	calls := map[string]int{}
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		contact := r.URL.Query().Get("email")
		mu.Lock()
		calls[contact]++
		mu.Unlock()
		time.Sleep(50 * time.Millisecond)
		fmt.Fprintf(w, `{"contact":%q,"v":%d}`, contact, version.Load())
	}))
	t.Cleanup(upstream.Close)
	callsOf := func(contact string) int {
		mu.Lock()
		defer mu.Unlock()
		return calls[contact]
	}
	opt := clientOptions(t)
	px := startProxy(t, opt.Network, opt.Addr)
	env := []string{
		"INBOXKIT_FLEET_WORKER=1",
		"INBOXKIT_FLEET_REDIS_URL=" + redisURL(),
		"INBOXKIT_FLEET_PROXY=" + px.ln.Addr().String(),
		"INBOXKIT_FLEET_PREFIX=" + prefix,
		"INBOXKIT_FLEET_UPSTREAM=" + upstream.URL,
	}
	var ws []*worker
	for range 3 {
		ws = append(ws, startWorker(t, env))
	}
	check := func(phase string, r reply, wantOK int, wantBody string) {
		t.Helper()
		if len(r.Errors) > 0 {
			t.Errorf("%s: %d errors shown to agents, first: %s", phase, len(r.Errors), r.Errors[0])
		}
		if r.OK != wantOK || r.Bodies[wantBody] != wantOK {
			t.Errorf("%s: %d ok, bodies %v, want %d x %s", phase, r.OK, r.Bodies, wantOK, wantBody)
		}
	}

	// 3 processes x 100 concurrent loads of one uncached contact.
	start := time.Now()
	r := all(t, ws, command{Op: "load", N: 100, Contact: "ada"})
	check("cold loads", r, 300, `{"contact":"ada","v":1}`)
	if got := callsOf("ada"); got != 1 {
		t.Errorf("cold loads: upstream calls = %d, want 1 for 3 processes x 100 loads", got)
	}
	t.Logf("3 processes x 100 loads: %d upstream call(s), %d served from another process's fetch, all done in %v",
		callsOf("ada"), r.FromCache, time.Since(start).Round(time.Millisecond))

	// An edit in one process: every process serves the new response.
	version.Store(2)
	if r := ws[0].do(t, command{Op: "invalidate"}); len(r.Errors) > 0 {
		t.Fatalf("invalidate: %v", r.Errors)
	}
	r = all(t, ws, command{Op: "load", N: 10, Contact: "ada"})
	check("after invalidate", r, 30, `{"contact":"ada","v":2}`)
	if got := callsOf("ada"); got != 2 {
		t.Errorf("after invalidate: upstream calls = %d, want 2", got)
	}

	// Redis goes away: upstream calls, no errors. Each process collapses
	// the loads that miss together; loads whose failed cache read ends
	// after that call (the client's retry) make another.
	px.setCut(true)
	start = time.Now()
	r = all(t, ws, command{Op: "load", N: 100, Contact: "grace"})
	check("during the outage", r, 300, `{"contact":"grace","v":2}`)
	if got := callsOf("grace"); got < 3 || got > 30 {
		t.Errorf("during the outage: upstream calls = %d, want at least one per process and far fewer than its 100 loads", got)
	}
	t.Logf("outage: 300 loads, %d upstream calls, 0 errors, done in %v", callsOf("grace"), time.Since(start).Round(time.Millisecond))
	r = all(t, ws, command{Op: "load", N: 1, Contact: "grace"})
	check("during the outage, again", r, 3, `{"contact":"grace","v":2}`)

	// Redis is back: the fleet collapses again, and what was cached before
	// the outage is served again.
	px.setCut(false)
	if r := all(t, ws, command{Op: "healthy"}); len(r.Errors) > 0 {
		t.Fatalf("not recovered: %v", r.Errors)
	}
	r = all(t, ws, command{Op: "load", N: 100, Contact: "linus"})
	check("after recovery", r, 300, `{"contact":"linus","v":2}`)
	if got := callsOf("linus"); got != 1 {
		t.Errorf("after recovery: upstream calls = %d, want 1", got)
	}
	r = all(t, ws, command{Op: "load", N: 10, Contact: "ada"})
	check("cached before the outage", r, 30, `{"contact":"ada","v":2}`)
	if r.FromCache != 30 || callsOf("ada") != 2 {
		t.Errorf("after recovery: %d of 30 from the cache, %d calls for ada, want 30 and 2", r.FromCache, callsOf("ada"))
	}
	if got := strings.Count(fmt.Sprint(calls), ":"); got != 3 {
		t.Errorf("upstream saw contacts %v, want 3", calls)
	}
}

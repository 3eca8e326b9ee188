package rediscache_test

import (
	"cmp"
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/inboxkit/inboxkit/httpexec"
	"github.com/inboxkit/inboxkit/httpexec/rediscache"
)

// Two app servers share one Redis: what one fetched, the other serves;
// an edit invalidated on one is gone from both.
func Example() {
	var calls atomic.Int32
	crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"plan":"pro","call":%d}`, calls.Add(1))
	}))
	defer crm.Close()

	opt, err := redis.ParseURL(cmp.Or(os.Getenv("INBOXKIT_REDIS_URL"), "redis://127.0.0.1:6379/0"))
	if err != nil {
		log.Fatal(err)
	}
	opt.ReadTimeout, opt.WriteTimeout, opt.MaxRetries = 250*time.Millisecond, 250*time.Millisecond, 1
	client := redis.NewClient(opt)
	defer client.Close()
	cache, err := rediscache.New(client, rediscache.Options{Prefix: fmt.Sprintf("inboxkit-example:%d:", os.Getpid())})
	if err != nil {
		log.Fatal(err)
	}

	var servers []*httpexec.Executor
	for range 2 {
		exec, err := httpexec.New(httpexec.Options{
			Cache:        cache,
			AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, // the test server
		})
		if err != nil {
			log.Fatal(err)
		}
		defer exec.Close()
		servers = append(servers, exec)
	}
	ctx := context.Background()
	req := &httpexec.Request{
		URL:      crm.URL + "/contacts?email=ada%40example.com",
		CacheTTL: time.Minute,
		Scope:    httpexec.Scope{Team: "t_42", Integration: "crm", Version: 1},
	}
	for _, step := range []struct {
		server     int
		invalidate bool
	}{{0, false}, {1, false}, {1, true}, {0, false}} {
		exec := servers[step.server]
		if step.invalidate {
			if err := exec.Invalidate(ctx, "t_42", "crm"); err != nil {
				log.Fatal(err)
			}
		}
		resp, err := exec.Do(ctx, req)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("server %d: %s from cache: %v\n", step.server, resp.Body.String(), resp.FromCache)
	}
	// Output:
	// server 0: {"plan":"pro","call":1} from cache: false
	// server 1: {"plan":"pro","call":1} from cache: true
	// server 1: {"plan":"pro","call":2} from cache: false
	// server 0: {"plan":"pro","call":2} from cache: true
}

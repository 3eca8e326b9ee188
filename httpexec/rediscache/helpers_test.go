package rediscache_test

import (
	"cmp"
	"context"
	"crypto/rand"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/inboxkit/inboxkit/httpexec/rediscache"
)

// redisURL is the server the tests use: INBOXKIT_REDIS_URL, or the local
// one. Tests fail, never skip, when it does not answer.
func redisURL() string {
	return cmp.Or(os.Getenv("INBOXKIT_REDIS_URL"), "redis://127.0.0.1:6379/0")
}

// clientOptions returns the options of the test server, with bounded
// timeouts and retries as package rediscache recommends for a cache.
func clientOptions(t testing.TB) *redis.Options {
	t.Helper()
	opt, err := redisOptions()
	if err != nil {
		t.Fatalf("INBOXKIT_REDIS_URL: %v", err)
	}
	return opt
}

func redisOptions() (*redis.Options, error) {
	opt, err := redis.ParseURL(redisURL())
	if err != nil {
		return nil, err
	}
	// Longer than the 250 ms package rediscache recommends: on a loaded CI
	// machine under -race a loopback dial can take that long, and a Redis
	// call that times out turns into an upstream call (as designed) that
	// the tests would count.
	opt.DialTimeout = 2 * time.Second
	opt.ReadTimeout = 2 * time.Second
	opt.WriteTimeout = 2 * time.Second
	opt.MaxRetries = 1
	opt.DialerRetries = 1
	return opt, nil
}

// newClient returns a client of the test server, closed at cleanup, after
// checking that the server answers.
func newClient(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(clientOptions(t))
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s does not answer (start it, or set INBOXKIT_REDIS_URL): %v", redisURL(), err)
	}
	return c
}

var unsafeKeyChars = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// testPrefix returns a key prefix of the test's own, and deletes every key
// under it at cleanup.
func testPrefix(t testing.TB, client *redis.Client) string {
	t.Helper()
	prefix := testPrefixBase(t) + rand.Text()[:8] + ":"
	t.Cleanup(func() {
		if err := deleteKeys(client, prefix); err != nil {
			t.Errorf("cleanup of %s: %v", prefix, err)
		}
	})
	return prefix
}

func testPrefixBase(t testing.TB) string {
	return "inboxkit-test:" + unsafeKeyChars.ReplaceAllString(t.Name(), "_") + ":"
}

// ownKeys returns the keys of the test's prefixes that contain part.
func ownKeys(t testing.TB, client *redis.Client, part string) []string {
	t.Helper()
	var out []string
	for _, k := range keysUnder(t, client, testPrefixBase(t)) {
		if strings.Contains(k, part) {
			out = append(out, k)
		}
	}
	return out
}

// deleteKeys deletes the keys under prefix (tests only: a scan).
func deleteKeys(client *redis.Client, prefix string) error {
	ctx := context.Background()
	iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		if err := client.Del(ctx, iter.Val()).Err(); err != nil {
			return err
		}
	}
	return iter.Err()
}

// keysUnder returns the keys under prefix.
func keysUnder(t testing.TB, client *redis.Client, prefix string) []string {
	t.Helper()
	keys, err := client.Keys(context.Background(), prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// newCache returns a Cache on the test server under its own prefix.
func newCache(t testing.TB, opts rediscache.Options) (*rediscache.Cache, *redis.Client) {
	t.Helper()
	client := newClient(t)
	if opts.Prefix == "" {
		opts.Prefix = testPrefix(t, client)
	}
	c, err := rediscache.New(client, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, client
}

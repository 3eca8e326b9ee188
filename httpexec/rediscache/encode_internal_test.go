package rediscache

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/httpexec"
)

var timeEqual = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

// FuzzDecodeEntry: any stored value decodes to an entry or an error,
// never a panic, and what decodes encodes back to itself.
func FuzzDecodeEntry(f *testing.F) {
	now := time.Unix(1700000000, 123)
	f.Add(string(appendEntry(nil, &httpexec.CacheEntry{
		StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}, "X-A": {"1", "2"}},
		Body: []byte(`{"a":1}`), StoredAt: now, Expires: now.Add(time.Minute), StaleUntil: now.Add(time.Hour), Duration: time.Millisecond,
	})))
	f.Add(string(appendEntry(nil, &httpexec.CacheEntry{StatusCode: 204})))
	f.Add("")
	f.Add("\x01")
	f.Add("\x02\xc8\x01")
	f.Add("\x01\xc8\x01\x00\x00\x00\x00\xff\xff\xff\xff\x0f")
	f.Add("\x01\xc8\x01\x00\x00\x00\x00\x01\x05X-A\x7f")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := decodeEntry(s)
		if err != nil {
			return
		}
		again, err := decodeEntry(string(appendEntry(nil, e)))
		if err != nil {
			t.Fatalf("re-encoded entry does not decode: %v", err)
		}
		if diff := cmp.Diff(e, again, timeEqual); diff != "" {
			t.Fatalf("round trip mismatch (-first +second):\n%s", diff)
		}
	})
}

// FuzzDecodeFailure: no panic on any stored failure record.
func FuzzDecodeFailure(f *testing.F) {
	f.Add(string(appendFailure(nil, &httpexec.SharedFailure{Category: httpexec.CategoryUpstream5xx, StatusCode: 503})))
	f.Add("\x01\x00timeout")
	f.Add("\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff")
	f.Fuzz(func(t *testing.T, s string) {
		if fl, err := decodeFailure(s); err == nil && (fl.StatusCode < 0 || fl.StatusCode > 999) {
			t.Fatalf("decoded status %d", fl.StatusCode)
		}
	})
}

func TestEncodingSizeBound(t *testing.T) {
	e := &httpexec.CacheEntry{
		StatusCode: 200, Header: http.Header{"A": {"1", ""}, "Bbbbbbbb": nil},
		Body: make([]byte, 3000), StoredAt: time.Now(), Expires: time.Now(), StaleUntil: time.Now(), Duration: -1,
	}
	if n, max := len(appendEntry(nil, e)), encodedSize(e); n > max {
		t.Errorf("encoding is %d bytes, encodedSize said at most %d", n, max)
	}
}

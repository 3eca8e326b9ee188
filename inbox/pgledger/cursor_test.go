package pgledger

import (
	"testing"
	"time"
)

// FuzzCursor: any string is either refused or names a position, never a panic; and every
// position survives its cursor.
func FuzzCursor(f *testing.F) {
	f.Add("", int64(0), "chat/m/1")
	f.Add("MTcwMDAwMDAwMDAwMDAwMC9jaGF0L20vMQ", int64(1700000000000000), "a/b")
	f.Add("LTEv", int64(-62135596800000000), "/")
	f.Add("!!", int64(253402300799999999), "k\x00\xff")
	f.Fuzz(func(t *testing.T, s string, us int64, key string) {
		if at, k, ok := parseCursor(s); ok && (k == "" || at.Location() != time.UTC) {
			t.Errorf("parseCursor(%q) = %v, %q, true; want a key and a UTC time", s, at, k)
		}
		if key == "" {
			return
		}
		at := time.UnixMicro(us).UTC()
		gotAt, gotKey, ok := parseCursor(cursor(at, key))
		if !ok || !gotAt.Equal(at) || gotKey != key {
			t.Errorf("parseCursor(cursor(%v, %q)) = %v, %q, %v", at, key, gotAt, gotKey, ok)
		}
	})
}

// FuzzToken: only the decimal form of a positive int64 is a token.
func FuzzToken(f *testing.F) {
	for _, s := range []string{"", "1", "0", "-1", "+1", "01", " 1", "9223372036854775807", "9223372036854775808", "1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parseToken(s)
		if ok && (n <= 0 || n > 1<<63-1) {
			t.Errorf("parseToken(%q) = %d, true", s, n)
		}
	})
}

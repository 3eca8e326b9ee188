package inbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"testing"
)

// BenchmarkMACState is the benchmark that keeps the sync.Pool of macKey:
// the MAC of a 2 KiB body with pooled HMAC state ("pool", what the
// verifiers do) against a fresh hmac.New per verification ("hmac.New",
// the plain alternative). P10 allows 2 allocs/op for a whole verification.
func BenchmarkMACState(b *testing.B) {
	body := make([]byte, 2048)
	key := []byte("0123456789abcdef0123456789abcdef")
	b.Run("pool", func(b *testing.B) {
		mk := newMACKey(key)
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			st := mk.get()
			st.h.Write(body)
			st.h.Sum(st.sum[:0])
			mk.put(st)
		}
	})
	b.Run("hmac.New", func(b *testing.B) {
		var sum [sha256.Size]byte
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			h := hmac.New(sha256.New, key)
			h.Write(body)
			h.Sum(sum[:0])
		}
	})
}

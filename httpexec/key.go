package httpexec

import (
	"crypto/sha256"
	"encoding/binary"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// keyVersion starts every canonical encoding so that a future change of the
// encoding never matches old entries in a shared store.
// It is short: every byte is hashed on the hit path.
const keyVersion = "ihk1"

// keyBufPool holds encoding buffers; a buffer is cleared before it returns
// to the pool because it held header values.
type keyBuf struct{ b []byte }

type headerRef struct {
	canon, orig string
	values      []string
}

// appendField appends a length-prefixed field.
func appendField(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendCanonical appends the canonical encoding of the request identity:
// scope, method, URL, headers sorted by canonical name (values in order)
// and body, every field length-prefixed so that no two requests share an
// encoding.
func appendCanonical(b []byte, s Scope, method, rawURL string, h http.Header, body []byte) []byte {
	b = append(b, keyVersion...)
	b = appendField(b, s.Team)
	b = appendField(b, s.Integration)
	b = binary.AppendVarint(b, s.Version)
	b = appendField(b, method)
	b = appendField(b, rawURL)
	var arr [16]headerRef
	refs := arr[:0]
	for k, vv := range h {
		c := k
		if !isCanonicalKey(k) {
			c = http.CanonicalHeaderKey(k)
		}
		refs = append(refs, headerRef{c, k, vv})
	}
	slices.SortFunc(refs, func(x, y headerRef) int {
		if c := strings.Compare(x.canon, y.canon); c != 0 {
			return c
		}
		return strings.Compare(x.orig, y.orig)
	})
	b = binary.AppendUvarint(b, uint64(len(refs)))
	for _, r := range refs {
		vv := r.values
		b = appendField(b, r.canon)
		b = binary.AppendUvarint(b, uint64(len(vv)))
		for _, v := range vv {
			b = appendField(b, v)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(body)))
	return append(b, body...)
}

// keyer computes cache keys without allocating in the steady state.
type keyer struct{ pool sync.Pool }

func (k *keyer) key(s Scope, method, rawURL string, h http.Header, body []byte) CacheKey {
	kb, _ := k.pool.Get().(*keyBuf)
	if kb == nil {
		kb = &keyBuf{b: make([]byte, 0, 512)}
	}
	kb.b = appendCanonical(kb.b[:0], s, method, rawURL, h, body)
	d := sha256.Sum256(kb.b)
	clear(kb.b)
	if cap(kb.b) <= 64<<10 {
		k.pool.Put(kb)
	}
	return CacheKey{Team: s.Team, Integration: s.Integration, Version: s.Version, Digest: d}
}

// isCanonicalKey reports whether k is already in canonical MIME header form
// (upper case at the start and after each hyphen, lower case elsewhere,
// token characters only), a cheaper check than CanonicalHeaderKey's.
func isCanonicalKey(k string) bool {
	if k == "" {
		return false
	}
	upper := true
	for i := 0; i < len(k); i++ {
		c := k[i]
		if 'a' <= c && c <= 'z' {
			if upper {
				return false
			}
			continue
		}
		if 'A' <= c && c <= 'Z' {
			if !upper {
				return false
			}
			upper = false
			continue
		}
		if c == '-' {
			upper = true
			continue
		}
		if !('0' <= c && c <= '9') && strings.IndexByte("!#$%&'*+.^_`|~", c) < 0 {
			return false
		}
		upper = false
	}
	return true
}

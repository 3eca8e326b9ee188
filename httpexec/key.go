package httpexec

import (
	"crypto/sha256"
	"encoding/binary"
	"net/http"
	"slices"
	"sync"
)

// keyVersion starts every canonical encoding so that a future change of the
// encoding never matches old entries in a shared store.
// It is short: every byte is hashed on the hit path.
const keyVersion = "ihk1"

// keyStackBytes is the size of the stack buffer the canonical encoding is
// built in. Typical integration requests (a URL, a few headers, a small
// JSON body) fit; larger ones use a pooled heap buffer.
const keyStackBytes = 1024

// keyStackRefs is the number of headers sorted on the stack.
const keyStackRefs = 16

// keyBuf is a pooled encoding buffer for requests whose encoding does not
// fit on the stack; it is cleared before it returns to the pool because it
// held header values and the body.
type keyBuf struct{ b []byte }

type headerRef struct {
	canon, orig string
	values      []string
}

// less orders header references by canonical name, then by the spelling
// used in the request (two spellings of one name are rare; the order only
// has to be deterministic).
func (x *headerRef) less(y *headerRef) bool {
	if x.canon != y.canon {
		return x.canon < y.canon
	}
	return x.orig < y.orig
}

// appendField appends a length-prefixed field.
func appendField(b []byte, s string) []byte {
	if len(s) < 0x80 {
		b = append(b, byte(len(s))) // the one-byte uvarint
	} else {
		b = binary.AppendUvarint(b, uint64(len(s)))
	}
	return append(b, s...)
}

// appendCanonical appends the canonical encoding of the request identity:
// scope, method, URL, headers sorted by canonical name (values in order)
// and body, every field length-prefixed so that no two requests share an
// encoding. refs holds the headers of the request, sorted.
func appendCanonical(b []byte, s Scope, method, rawURL string, refs []headerRef, body []byte) []byte {
	b = append(b, keyVersion...)
	b = appendField(b, s.Team)
	b = appendField(b, s.Integration)
	b = binary.AppendVarint(b, s.Version)
	b = appendField(b, method)
	b = appendField(b, rawURL)
	b = binary.AppendUvarint(b, uint64(len(refs)))
	for i := range refs {
		r := &refs[i]
		b = appendField(b, r.canon)
		b = binary.AppendUvarint(b, uint64(len(r.values)))
		for _, v := range r.values {
			b = appendField(b, v)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(body)))
	return append(b, body...)
}

// sortedRefs appends the headers of h to refs in canonical order and
// returns them with an upper bound of the bytes their encoding takes. Map
// iteration order is random, so each reference is inserted into place as
// it is read: no comparison function, no sort for one header, and a
// single comparison when the next one already belongs at the end.
func sortedRefs(refs []headerRef, h http.Header) ([]headerRef, int) {
	size := 0
	for k, vv := range h {
		c := k
		if !isCanonicalKey(k) {
			c = http.CanonicalHeaderKey(k)
		}
		size += len(c) + 2*binary.MaxVarintLen64
		for _, v := range vv {
			size += len(v) + binary.MaxVarintLen64
		}
		refs = append(refs, headerRef{c, k, vv})
		if len(refs) > keyStackRefs {
			continue // sorted below
		}
		for i := len(refs) - 1; i > 0 && refs[i].less(&refs[i-1]); i-- {
			refs[i], refs[i-1] = refs[i-1], refs[i]
		}
	}
	if len(refs) > keyStackRefs {
		slices.SortFunc(refs, func(x, y headerRef) int {
			if x.less(&y) {
				return -1
			}
			if y.less(&x) {
				return 1
			}
			return 0
		})
	}
	return refs, size
}

// keyer computes cache keys without allocating in the steady state.
type keyer struct{ pool sync.Pool }

func (k *keyer) key(s Scope, method, rawURL string, h http.Header, body []byte) CacheKey {
	var refArr [keyStackRefs]headerRef
	refs, size := sortedRefs(refArr[:0], h)
	size += len(keyVersion) + len(s.Team) + len(s.Integration) + len(method) + len(rawURL) + len(body) + 7*binary.MaxVarintLen64
	var d [32]byte
	if size <= keyStackBytes {
		var buf [keyStackBytes]byte
		b := appendCanonical(buf[:0], s, method, rawURL, refs, body)
		d = sha256.Sum256(b)
		clear(b) // header values and body do not linger on the stack
	} else {
		kb, _ := k.pool.Get().(*keyBuf)
		if kb == nil {
			kb = &keyBuf{}
		}
		kb.b = appendCanonical(slices.Grow(kb.b[:0], size), s, method, rawURL, refs, body)
		d = sha256.Sum256(kb.b)
		clear(kb.b)
		if cap(kb.b) <= 64<<10 {
			k.pool.Put(kb)
		}
	}
	clear(refs) // drop references to the caller's header map
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
		switch {
		case 'a' <= c && c <= 'z':
			if upper {
				return false
			}
		case 'A' <= c && c <= 'Z':
			if !upper {
				return false
			}
			upper = false
		case c == '-':
			upper = true
		case '0' <= c && c <= '9', c == '!', c == '#', c == '$', c == '%', c == '&', c == '\'', c == '*',
			c == '+', c == '.', c == '^', c == '_', c == '`', c == '|', c == '~':
			upper = false
		default:
			return false
		}
	}
	return true
}

package httpexec

import (
	"crypto/sha256"
	"encoding/binary"
	"net/http"
	"slices"
)

// keyVersion starts every canonical encoding so that a future change of the
// encoding never matches old entries in a shared store.
// It is short: every byte is hashed on the hit path.
const keyVersion = "ihk1"

// identityVersion starts the encoding of a request keyed by its Identity; it differs from
// keyVersion, so that no Identity can make the encoding of a request keyed by its URL,
// Header and Body.
const identityVersion = "ihi1"

// keyStackBytes is the size of the stack buffer the canonical encoding of
// everything but the body is built in. Typical integration requests (a URL,
// a few headers) fit; a larger one costs one allocation.
const keyStackBytes = 1024

// keyStackRefs is the number of headers sorted on the stack.
const keyStackRefs = 16

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

// appendCanonical appends the canonical encoding of the request identity
// up to the body: scope, method, URL, headers sorted by canonical name
// (values in order) and the body's length; the body's bytes follow it.
// Every field is length-prefixed so that no two requests share an
// encoding. refs holds the headers of the request, sorted.
func appendCanonical(b []byte, s Scope, method, rawURL string, refs []headerRef, bodyLen int) []byte {
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
	return binary.AppendUvarint(b, uint64(bodyLen))
}

// sortedRefs appends the headers of h to refs in canonical order. Map
// iteration order is random, so each reference is inserted into place as
// it is read: no comparison function, no sort for one header, and a
// single comparison when the next one already belongs at the end.
func sortedRefs(refs []headerRef, h http.Header) []headerRef {
	for k, vv := range h {
		c := k
		if !isCanonicalKey(k) {
			c = http.CanonicalHeaderKey(k)
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
	return refs
}

// requestKey returns the cache key of a request: the SHA-256 of its
// canonical encoding, written to the hash in two parts (the encoding up to
// the body, built on the stack, then the body itself), so that the body is
// never copied and a typical request allocates nothing. An earlier version
// copied large requests into a sync.Pool buffer; BenchmarkCacheKeyLarge
// showed streaming the body to be faster at 2 KiB to 256 KiB bodies, with
// no allocation where the pool allocated past 64 KiB, so the pool went.
// Copying a small body after the encoding to hash both in one
// sha256.Sum256 call was slower too (BenchmarkCacheKey, 412 against 392
// CPU ns/op).
func requestKey(s Scope, method, rawURL string, h http.Header, body []byte) CacheKey {
	var refArr [keyStackRefs]headerRef
	refs := sortedRefs(refArr[:0], h)
	var buf [keyStackBytes]byte
	b := appendCanonical(buf[:0], s, method, rawURL, refs, len(body))
	d := sha256.New()
	d.Write(b)
	d.Write(body)
	var k CacheKey
	d.Sum(k.Digest[:0])
	clear(b)    // header values do not linger on the stack
	clear(refs) // nor references to the caller's header map
	k.Team, k.Integration, k.Version = s.Team, s.Integration, s.Version
	return k
}

// identityKey returns the cache key of a request keyed by its Identity: the SHA-256 of the
// scope, the method and the identity, each length-prefixed.
func identityKey(s Scope, method string, id []byte) CacheKey {
	var buf [128]byte // the prefix; scope IDs longer than a hundred bytes cost an allocation
	b := append(buf[:0], identityVersion...)
	b = appendField(b, s.Team)
	b = appendField(b, s.Integration)
	b = binary.AppendVarint(b, s.Version)
	b = appendField(b, method)
	b = binary.AppendUvarint(b, uint64(len(id)))
	d := sha256.New()
	d.Write(b)
	d.Write(id)
	var k CacheKey
	d.Sum(k.Digest[:0])
	k.Team, k.Integration, k.Version = s.Team, s.Integration, s.Version
	return k
}

// isCanonicalKey reports whether k is already in canonical MIME header form
// (upper case at the start and after each hyphen, lower case elsewhere,
// token characters only), a cheaper check than CanonicalHeaderKey's: one
// table load and no unpredictable branch per byte (BenchmarkCacheKey).
func isCanonicalKey(k string) bool {
	// canonClass has, per byte, bit 0 set when the byte may not start a
	// word (a lower-case letter or not a token character), bit 1 set when it
	// may not continue one (an upper-case letter or not a token character)
	// and bit 2 set for '-', which starts the next word.
	// TestIsCanonicalKeyAllBytes checks it against its definition.
	const canonClass = "" +
		"\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03" +
		"\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03" +
		"\x03\x00\x03\x00\x00\x00\x00\x00\x03\x03\x00\x00\x03\x04\x00\x03" +
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x03\x03\x03\x03\x03" +
		"\x03\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02" +
		"\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x03\x03\x03\x00\x00" +
		"\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" +
		"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x03\x00\x03\x00\x03" +
		"\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03" +
		"\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03" +
		"\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03" +
		"\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03" +
		"\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03" +
		"\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03" +
		"\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03" +
		"\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03"
	bad := byte(1) // the bit of canonClass that refuses the next byte: 1 at a word's start, 2 inside
	for i := 0; i < len(k); i++ {
		c := canonClass[k[i]]
		if c&bad != 0 {
			return false
		}
		bad = 2 - c>>2 // c>>2 is 1 for '-' and 0 for any other byte
	}
	return len(k) > 0
}

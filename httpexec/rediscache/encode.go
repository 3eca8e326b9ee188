package rediscache

import (
	"encoding/binary"
	"errors"
	"net/http"
	"time"

	"github.com/inboxkit/inboxkit/httpexec"
)

// entryVersion is the first byte of an encoded entry. A reader that meets
// another version treats the entry as a miss, so a fleet can roll out a
// new encoding with a new prefix or let old entries expire.
const entryVersion = 1

// errCorrupt reports a stored value this package cannot decode.
var errCorrupt = errors.New("rediscache: undecodable cache entry")

// appendEntry appends the encoding of e to b:
//
//	version byte
//	uvarint status, varint StoredAt, Expires, StaleUntil (Unix ns; 0 = zero time), varint Duration
//	uvarint header names, each: uvarint len, name, uvarint values, each: uvarint len, value
//	body (the rest)
func appendEntry(b []byte, e *httpexec.CacheEntry) []byte {
	b = append(b, entryVersion)
	b = binary.AppendUvarint(b, uint64(e.StatusCode))
	b = binary.AppendVarint(b, unixNano(e.StoredAt))
	b = binary.AppendVarint(b, unixNano(e.Expires))
	b = binary.AppendVarint(b, unixNano(e.StaleUntil))
	b = binary.AppendVarint(b, int64(e.Duration))
	b = binary.AppendUvarint(b, uint64(len(e.Header)))
	for k, vv := range e.Header {
		b = appendString(b, k)
		b = binary.AppendUvarint(b, uint64(len(vv)))
		for _, v := range vv {
			b = appendString(b, v)
		}
	}
	return append(b, e.Body...)
}

// encodedSize returns the length of e's encoding, at most.
func encodedSize(e *httpexec.CacheEntry) int {
	n := 1 + 5*binary.MaxVarintLen64 + binary.MaxVarintLen64 + len(e.Body)
	for k, vv := range e.Header {
		n += 2*binary.MaxVarintLen64 + len(k)
		for _, v := range vv {
			n += binary.MaxVarintLen64 + len(v)
		}
	}
	return n
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// decodeEntry decodes an entry encoded by appendEntry. Header names and
// values share s's memory; the body is the one copy.
func decodeEntry(s string) (*httpexec.CacheEntry, error) {
	d := decoder{s: s}
	if len(s) == 0 || s[0] != entryVersion {
		return nil, errCorrupt
	}
	d.i = 1
	status := d.uvarint()
	e := &httpexec.CacheEntry{
		StoredAt:   fromUnixNano(d.varint()),
		Expires:    fromUnixNano(d.varint()),
		StaleUntil: fromUnixNano(d.varint()),
		Duration:   time.Duration(d.varint()),
	}
	names := d.uvarint()
	if d.bad || status < 100 || status > 999 || names > uint64(len(s)-d.i)/2 {
		return nil, errCorrupt
	}
	e.StatusCode = int(status)
	if names > 0 {
		e.Header = make(http.Header, names)
	}
	for range names {
		k := d.string()
		n := d.uvarint()
		if d.bad || n > uint64(len(s)-d.i) {
			return nil, errCorrupt
		}
		vv := make([]string, n)
		for j := range vv {
			vv[j] = d.string()
		}
		if d.bad {
			return nil, errCorrupt
		}
		e.Header[k] = vv
	}
	e.Body = []byte(s[d.i:])
	return e, nil
}

// decoder reads the encoding; bad is set on the first malformed field.
type decoder struct {
	s   string
	i   int
	bad bool
}

func (d *decoder) uvarint() uint64 {
	v, n := uvarintString(d.s[d.i:])
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.i += n
	return v
}

func (d *decoder) varint() int64 {
	ux := d.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.s)-d.i) {
		d.bad = true
		return ""
	}
	s := d.s[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

// uvarintString is binary.Uvarint for a string, without a copy.
func uvarintString(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		c := s[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				return 0, -1 // overflow
			}
			return x | uint64(c)<<shift, i + 1
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	return 0, 0
}

// failureVersion is the first byte of an encoded [httpexec.SharedFailure].
const failureVersion = 1

func appendFailure(b []byte, f *httpexec.SharedFailure) []byte {
	b = append(b, failureVersion)
	b = binary.AppendUvarint(b, uint64(f.StatusCode))
	return append(b, f.Category...)
}

func decodeFailure(s string) (*httpexec.SharedFailure, error) {
	if len(s) == 0 || s[0] != failureVersion {
		return nil, errCorrupt
	}
	d := decoder{s: s, i: 1}
	status := d.uvarint()
	if d.bad || status > 999 {
		return nil, errCorrupt
	}
	return &httpexec.SharedFailure{StatusCode: int(status), Category: httpexec.Category(s[d.i:])}, nil
}

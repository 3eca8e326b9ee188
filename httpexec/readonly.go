package httpexec

import (
	"bytes"
	"encoding/json"
	"io"
	"iter"
	"maps"
	"net/http"
	"slices"
	"unsafe"
)

// Header is a read-only view of the header fields of a [Response]. A cached
// response's header is one map shared by every caller of its key (and by
// the cache); the view reads it without a copy and offers no way to change
// it. [Header.Clone] returns a copy the caller owns. The zero Header has no
// fields.
type Header struct{ h http.Header }

// NewHeader returns a Header holding a copy of h. Code that builds a
// [Response] itself (a fake executor in a host's tests) uses it.
func NewHeader(h http.Header) Header { return Header{h.Clone()} }

// Get returns the first value of the field named key (case-insensitive), or
// "" when there is none, as [http.Header.Get] does.
func (h Header) Get(key string) string { return h.h.Get(key) }

// Values returns a copy of the values of the field named key
// (case-insensitive), or nil.
func (h Header) Values(key string) []string { return slices.Clone(h.h.Values(key)) }

// Len returns the number of distinct field names.
func (h Header) Len() int { return len(h.h) }

// All yields every field as a (canonical name, value) pair, names sorted,
// the values of one name in order.
func (h Header) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, k := range slices.Sorted(maps.Keys(h.h)) {
			for _, v := range h.h[k] {
				if !yield(k, v) {
					return
				}
			}
		}
	}
}

// Clone returns a copy of the fields that the caller owns, never nil.
func (h Header) Clone() http.Header {
	if h.h == nil {
		return http.Header{}
	}
	return h.h.Clone()
}

// MarshalJSON encodes the fields as an http.Header would be: an object of
// names to arrays of values.
func (h Header) MarshalJSON() ([]byte, error) { return json.Marshal(h.h) }

// Body is a read-only view of the (decoded) body of a [Response]. A cached
// response's body is one array shared by every caller of its key (and by
// the cache); the view reads it without a copy and offers no way to change
// it. [Body.Bytes] returns a copy the caller owns, [Body.Reader] and
// [Body.WriteTo] read it without one. The zero Body is empty.
type Body struct{ b []byte }

// NewBody returns a Body holding a copy of b. Code that builds a
// [Response] itself (a fake executor in a host's tests) uses it.
func NewBody(b []byte) Body { return Body{bytes.Clone(b)} }

// Len returns the length of the body in bytes.
func (b Body) Len() int { return len(b.b) }

// Bytes returns a copy of the body that the caller owns (nil when empty).
// Its cost is one allocation and a copy of Len bytes.
func (b Body) Bytes() []byte {
	if len(b.b) == 0 {
		return nil
	}
	return bytes.Clone(b.b)
}

// Equal reports whether b and other hold the same bytes, without a copy. Two views of one
// cached entry compare in constant time (the arrays are the same), which lets a caller keep
// what it derived from a body (a rendered card) and check, on the next hit, that the body
// it came from is still the one served.
func (b Body) Equal(other Body) bool { return bytes.Equal(b.b, other.b) }

// String returns the body as a string (a copy).
func (b Body) String() string { return string(b.b) }

// View returns the body as a string that shares its memory: no copy, no allocation. A body is
// never modified (a cached entry is immutable, see [Cache]), so the string is as immutable as
// any; it keeps the whole body reachable while it is. A caller that reads values out of many
// cached bodies, as a chained integration's steps do, reads them without copying each body
// (BenchmarkProfileCachedSteps in package integration).
func (b Body) View() string { return unsafe.String(unsafe.SliceData(b.b), len(b.b)) }

// AppendTo appends the body to dst and returns the extended slice.
func (b Body) AppendTo(dst []byte) []byte { return append(dst, b.b...) }

// Reader returns a reader of the body; it does not copy the body.
func (b Body) Reader() *bytes.Reader { return bytes.NewReader(b.b) }

// WriteTo writes the body to w, implementing [io.WriterTo]. As io.Writer
// requires, w must not modify the slice it is given, even temporarily.
func (b Body) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(b.b)
	return int64(n), err
}

// MarshalJSON encodes the body as a []byte would be: a base64 string.
func (b Body) MarshalJSON() ([]byte, error) { return json.Marshal(b.b) }

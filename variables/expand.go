package variables

import (
	"encoding/binary"
	"fmt"
	"slices"
	"unsafe"
)

// maxStackSlots is the number of slot values resolved without a heap allocation.
const maxStackSlots = 16

// stackOutBytes is the size of the stack buffer an expansion is escaped into when the caller's
// buffer may be too small for it. Escaping in one pass into the stack and copying the result into
// an allocation of its exact size costs less than measuring each value's escaped length first
// and escaping it in a second pass (BenchmarkWorkload here, BenchmarkDoCacheHitExpand in
// httpexec).
const stackOutBytes = 512

// maxGrowth is, indexed by escaping mode, the most bytes that one byte of a value becomes: a byte
// percent-encoded (3), a control character or an invalid UTF-8 byte written as \u00XX or \ufffd
// (6). TestMaxGrowth checks it.
const maxGrowth = "\x01\x03\x03\x06\x06"

// Expand resolves the template's variables through r and returns the expanded text, escaped for
// the template's target. A nil r defines no variable. On error the result is "".
//
// Errors are *ValueError values naming the variable (never its value) and wrapping ErrUndefined
// (Strict templates), ErrInvalidHeaderValue (Header), ErrDotSegment or ErrEmptySegment (URL) or
// ErrFilter.
func (t *Template) Expand(r Resolver) (string, error) {
	if t.bare {
		// The result is the (filtered, checked) value itself: nothing to copy.
		return t.value(&t.slots[0], r)
	}
	var stack [maxStackSlots]string
	vals, bound, err := t.resolve(&stack, r)
	if err != nil {
		return "", err
	}
	if bound <= stackOutBytes {
		var buf [stackOutBytes]byte
		return string(t.write(buf[:0], vals)), nil
	}
	b := t.write(make([]byte, 0, t.exactLen(vals)), vals)
	if len(b) == 0 {
		return "", nil
	}
	// b is a fresh buffer of the result's exact length that nothing else references and that
	// is never written again, so it can back the string without a copy, as strings.Builder does.
	return unsafe.String(unsafe.SliceData(b), len(b)), nil
}

// AppendExpand appends the expansion of the template to dst and returns the extended buffer. On
// error it returns dst unchanged and the error (see Expand). Expanding into a buffer with enough
// capacity does not allocate, unless a filter does or the template has more than 16
// placeholders.
func (t *Template) AppendExpand(dst []byte, r Resolver) ([]byte, error) {
	var stack [maxStackSlots]string
	vals, bound, err := t.resolve(&stack, r)
	if err != nil {
		return dst, err
	}
	switch {
	case cap(dst)-len(dst) >= bound:
		return t.write(dst, vals), nil
	case bound <= stackOutBytes:
		// One growth of dst at most, to the result's size rather than to the bound.
		var buf [stackOutBytes]byte
		out := t.write(buf[:0], vals)
		if dst == nil && len(out) > 0 {
			// A new buffer: make and copy allocate it without zeroing it and without
			// append's growth policy (AppendExpand(nil) of the workload's body: 168 -> 164
			// CPU ns/op; BenchmarkDoCacheHitExpand under callgrind: -1.4% instructions).
			dst = make([]byte, len(out))
			copy(dst, out)
			return dst, nil
		}
		return append(dst, out...), nil
	}
	return t.write(slices.Grow(dst, t.exactLen(vals)), vals), nil
}

// AppendKey appends a key of t's expansion for r to dst and returns the extended buffer: the
// value of each placeholder, looked up, filtered and checked as Expand does it, each preceded by
// its length as a uvarint. Two expansions of one template with equal keys are equal, since the
// expansion is written from those values alone; so a key can stand for the expansion where only
// its identity matters, without the escaping, the writing and the allocation. Package
// integration keys a cached request by the keys of its templates (httpexec.Request.Identity)
// and expands the request only when it sends it.
//
// A key identifies an expansion among those of one template: combine it with the template's
// identity (its Source and Target) before comparing keys of different templates. On error
// AppendKey returns dst unchanged and the error Expand would return. A key into a buffer with
// enough capacity does not allocate, unless a filter does or the template has more than 16
// placeholders.
func (t *Template) AppendKey(dst []byte, r Resolver) ([]byte, error) {
	var stack [maxStackSlots]string
	vals, _, err := t.resolve(&stack, r)
	if err != nil {
		return dst, err
	}
	for _, v := range vals {
		dst = binary.AppendUvarint(dst, uint64(len(v)))
		dst = append(dst, v...)
	}
	return dst, nil
}

// resolve looks up, filters and checks the value of every slot, into stack when there is room,
// and returns the values with an upper bound of the expansion's length.
func (t *Template) resolve(stack *[maxStackSlots]string, r Resolver) (vals []string, bound int, err error) {
	if len(t.slots) <= maxStackSlots {
		vals = stack[:len(t.slots)]
	} else {
		vals = make([]string, len(t.slots))
	}
	bound = t.litLen
	for i := range t.slots {
		s := &t.slots[i]
		var v string
		if len(s.filters) == 0 && r != nil && t.target != Header {
			// value's common case, inline (BenchmarkWorkload): no filter, nothing to check.
			var ok bool
			if v, ok = r.Lookup(s.name); !ok && t.strict {
				return nil, 0, &ValueError{Name: s.name, Err: ErrUndefined}
			}
		} else if v, err = t.value(s, r); err != nil {
			return nil, 0, err
		}
		vals[i] = v
		bound += int(maxGrowth[s.esc]) * len(v)
		if s.esc == escJSONValue {
			bound += 2
		}
	}
	if len(t.nonEmpty) > 0 && allEmpty(t.nonEmpty, vals) {
		return nil, 0, &ValueError{Name: t.slots[t.nonEmpty[0]].name, Err: ErrEmptySegment}
	}
	for i := range t.segs {
		if err := t.segs[i].check(vals, t.slots); err != nil {
			return nil, 0, err
		}
	}
	return vals, bound, nil
}

// exactLen returns the length of the expansion with the values vals.
func (t *Template) exactLen(vals []string) int {
	n := t.litLen
	for i, v := range vals {
		m, _ := escapedLen(t.slots[i].esc, v)
		n += m
	}
	return n
}

// write appends the expansion with the values vals to dst, escaping each value as its slot
// requires.
func (t *Template) write(dst []byte, vals []string) []byte {
	escs := t.escs[:len(vals)]
	for i, v := range vals {
		dst = append(dst, t.lits[i]...)
		switch escs[i] {
		case escNone:
			dst = append(dst, v...)
		case escPath:
			dst = appendPathEscape(dst, v)
		case escQuery:
			dst = appendQueryEscape(dst, v)
		case escJSONString:
			dst = appendJSONString(dst, v)
		case escJSONValue:
			dst = append(appendJSONString(append(dst, '"'), v), '"')
		}
	}
	return append(dst, t.lits[len(vals)]...)
}

// value looks up and filters the value of slot s and checks it for the target.
func (t *Template) value(s *slot, r Resolver) (string, error) {
	var v string
	ok := false
	if r != nil {
		v, ok = r.Lookup(s.name)
	}
	if !ok && t.strict && !s.hasDefault {
		return "", &ValueError{Name: s.name, Err: ErrUndefined}
	}
	for _, f := range s.filters {
		var err error
		if f.applyWith != nil {
			v, err = f.applyWith(r, v, f.arg)
		} else {
			v, err = f.apply(v, f.arg)
		}
		if err != nil {
			return "", &ValueError{Name: s.name, Err: fmt.Errorf("%w: %s: %w", ErrFilter, f.name, err)}
		}
	}
	if t.target == Header && !validHeaderValue(v) {
		return "", &ValueError{Name: s.name, Err: ErrInvalidHeaderValue}
	}
	return v, nil
}

// allEmpty reports whether the values of all the given slots are empty.
func allEmpty(slots []int, vals []string) bool {
	for _, i := range slots {
		if vals[i] != "" {
			return false
		}
	}
	return true
}

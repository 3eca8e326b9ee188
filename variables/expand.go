package variables

import (
	"fmt"
	"slices"
	"unsafe"
)

// maxStackSlots is the number of slot values resolved without a heap allocation.
const maxStackSlots = 16

// Expand resolves the template's variables through r and returns the expanded text, escaped for
// the template's target. A nil r defines no variable. On error the result is "".
//
// Errors are *ValueError values naming the variable (never its value) and wrapping ErrUndefined
// (Strict templates), ErrInvalidHeaderValue (Header), ErrDotSegment or ErrEmptySegment (URL) or
// ErrFilter.
func (t *Template) Expand(r Resolver) (string, error) {
	b, err := t.expand(nil, r)
	if err != nil || len(b) == 0 {
		return "", err
	}
	// b is a fresh buffer that nothing else references and that is never written again, so it
	// can back the string without a copy, as strings.Builder does.
	return unsafe.String(unsafe.SliceData(b), len(b)), nil
}

// AppendExpand appends the expansion of the template to dst and returns the extended buffer. On
// error it returns dst unchanged and the error (see Expand). Expanding into a buffer with enough
// capacity does not allocate, unless a filter does or the template has more than 16
// placeholders.
func (t *Template) AppendExpand(dst []byte, r Resolver) ([]byte, error) {
	return t.expand(dst, r)
}

func (t *Template) expand(dst []byte, r Resolver) ([]byte, error) {
	var (
		stackVals  [maxStackSlots]string
		stackPlain [maxStackSlots]bool
		vals       []string
		plain      []bool // the value is written as is: escaping would not change it
	)
	if len(t.slots) <= maxStackSlots {
		vals, plain = stackVals[:len(t.slots)], stackPlain[:len(t.slots)]
	} else {
		vals, plain = make([]string, len(t.slots)), make([]bool, len(t.slots))
	}
	size := t.litLen
	for i := range t.slots {
		v, err := t.value(&t.slots[i], r)
		if err != nil {
			return dst, err
		}
		vals[i] = v
		n, changed := escapedLen(t.slots[i].esc, v)
		plain[i] = !changed
		size += n
	}
	if len(t.nonEmpty) > 0 && allEmpty(t.nonEmpty, vals) {
		return dst, &ValueError{Name: t.slots[t.nonEmpty[0]].name, Err: ErrEmptySegment}
	}
	for i := range t.segs {
		if err := t.segs[i].check(vals, t.slots); err != nil {
			return dst, err
		}
	}
	// size is exact: the result takes one allocation of its own length.
	dst = slices.Grow(dst, size)
	for i, l := range t.lits {
		dst = append(dst, l...)
		if i == len(vals) {
			break
		}
		v, esc := vals[i], t.slots[i].esc
		if esc == escJSONValue {
			dst = append(dst, '"')
		}
		switch {
		case plain[i]:
			dst = append(dst, v...) // nothing to escape
		case esc == escPath:
			dst = appendPathEscape(dst, v)
		case esc == escQuery:
			dst = appendQueryEscape(dst, v)
		default:
			dst = appendJSONString(dst, v)
		}
		if esc == escJSONValue {
			dst = append(dst, '"')
		}
	}
	return dst, nil
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

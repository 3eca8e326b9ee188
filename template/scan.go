package template

import (
	"math/bits"
	"slices"
	"strings"

	"github.com/tidwall/gjson"
)

// The table renderer reads each row in one pass with the small scanner
// below instead of gjson.ForEach over the array plus gjson.ForEach over
// the row. It runs only on JSON that validate accepted, which is why it
// can skip values by their first byte.

// skipString returns the index after the string starting at s[i] == '"'.
func skipString(s string, i int) int {
	end, _ := scanQuoted(s, i)
	return end
}

// scanQuoted returns the index after the string starting at s[i] == '"'
// and whether the string has escapes (so that, mostly, nobody needs to
// look for them again).
func scanQuoted(s string, i int) (end int, escaped bool) {
	for i++; i < len(s); i++ {
		// Eight bytes at a time up to the first quote or backslash.
		for i+8 <= len(s) {
			m := quoteOrBackslash(load64(s, i))
			if m != 0 {
				i += firstByte(m)
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		switch s[i] {
		case '\\':
			escaped = true
			i++
		case '"':
			return i + 1, escaped
		}
	}
	return len(s), escaped
}

// The string scanners (skipString here, scanString in limits.go) look at
// eight bytes at a time (SWAR, with the zero-byte tests of "Bit
// Twiddling Hacks"): most of a JSON document is inside strings, and a
// byte loop over them was ~20% of BenchmarkRenderFixture
// (BenchmarkScanJSON measures the validator alone).
const (
	lsb = 0x0101010101010101 // the lowest bit of every byte
	msb = 0x8080808080808080 // the highest bit of every byte
)

// load64 returns the eight bytes of b at i, the first in the lowest
// byte. (The compiler turns it into one load.)
func load64[S string | []byte](b S, i int) uint64 {
	b8 := b[i : i+8]
	return uint64(b8[0]) | uint64(b8[1])<<8 | uint64(b8[2])<<16 | uint64(b8[3])<<24 |
		uint64(b8[4])<<32 | uint64(b8[5])<<40 | uint64(b8[6])<<48 | uint64(b8[7])<<56
}

// zeroBytes has the high bit set in the byte of the first zero byte of
// x, and possibly in bytes after it (a borrow), never before it: its
// lowest set bit marks the first zero byte exactly.
func zeroBytes(x uint64) uint64 {
	return (x - lsb) &^ x & msb
}

// quoteOrBackslash marks the first '"' or '\\' of x (see zeroBytes).
func quoteOrBackslash(x uint64) uint64 {
	return zeroBytes(x^(lsb*'"')) | zeroBytes(x^(lsb*'\\'))
}

// stringSpecial marks the first byte of x that is '"', '\\' or a control
// character below 0x20 (see zeroBytes; bytes from 0x80 are not below 0x20
// as their high bit is masked off).
func stringSpecial(x uint64) uint64 {
	return quoteOrBackslash(x) | ((x - lsb*0x20) &^ x & msb)
}

// urlSpecial marks the first byte of x that urlProblem looks at twice:
// a control or space character (up to ' '), DEL, '\\' or a byte from
// 0x80 (see zeroBytes). Most URLs have none: urlProblem skips them eight
// bytes at a time (its byte loop was a quarter of
// BenchmarkFormatValue/link; in BenchmarkRenderFixture this saves 200
// instructions per URL, 2% of the render).
func urlSpecial(x uint64) uint64 {
	return ((x - lsb*0x21) &^ x & msb) | (x & msb) | zeroBytes(x^(lsb*0x7f)) | zeroBytes(x^(lsb*'\\'))
}

// firstByte returns the index of the first marked byte of a non-zero
// mark.
func firstByte(m uint64) int {
	return bits.TrailingZeros64(m) >> 3
}

// skipValue returns the index after the value starting at s[i].
func skipValue(s string, i int) int {
	switch s[i] {
	case '"':
		return skipString(s, i)
	case '{', '[':
		depth := 0
		for ; i < len(s); i++ {
			switch s[i] {
			case '"':
				i = skipString(s, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(s)
	}
	for i < len(s) {
		switch s[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// resultOf returns the gjson result of the raw JSON value raw. For a
// number it leaves Num zero: the renderer reads numbers from Raw, exactly
// (parseNum), never from Num, and a strconv.ParseFloat per number was
// ~3% of BenchmarkRenderFixture.
func resultOf(raw string) gjson.Result {
	return rawResult(raw, raw[0] == '"' && strings.IndexByte(raw, '\\') >= 0)
}

// rawResult is resultOf for a raw value whose escapes, if it is a
// string, were noted while scanning it.
func rawResult(raw string, escaped bool) gjson.Result {
	switch raw[0] {
	case '"':
		if escaped {
			return gjson.Parse(raw)
		}
		return gjson.Result{Type: gjson.String, Raw: raw, Str: raw[1 : len(raw)-1]}
	case '{', '[':
		return gjson.Result{Type: gjson.JSON, Raw: raw}
	case 't':
		return gjson.Result{Type: gjson.True, Raw: raw}
	case 'f':
		return gjson.Result{Type: gjson.False, Raw: raw}
	case 'n':
		return gjson.Result{Type: gjson.Null, Raw: raw}
	}
	return gjson.Result{Type: gjson.Number, Raw: raw}
}

// member reads the object member whose key starts at s[i] (valid
// JSON): it returns the key (unescaped), the raw value, whether the value
// is a string with escapes, and the index of the next member or of the
// closing brace.
func member(s string, i int) (key, raw string, escaped bool, next int) {
	ks := i
	i, escaped = scanQuoted(s, i)
	key = s[ks+1 : i-1]
	if escaped {
		key = gjson.Parse(s[ks:i]).Str
	}
	i = skipSpace(s, i)
	i = skipSpace(s, i+1) // ':'
	vs := i
	escaped = false
	if s[i] == '"' {
		i, escaped = scanQuoted(s, i)
	} else {
		i = skipValue(s, i)
	}
	raw = s[vs:i]
	i = skipSpace(s, i)
	if i < len(s) && s[i] == ',' {
		i = skipSpace(s, i+1)
	}
	return key, raw, escaped, i
}

// scanObject reads the object starting at s[i] == '{', setting vals[k]
// to the first value of keys[k], and returns the index after it. keys
// are distinct, at most maxRowKeys (64). (It clears only the values it
// did not find: clearing all of them first, then setting most, cost a
// typed clear of 80 bytes per key per row. And it compares a member's
// key first with the key after the last one found, as the rows of an
// array usually list their keys in one order.)
func scanObject(s string, i int, keys []string, vals []gjson.Result) int {
	var found uint64 // bit k: vals[k] is set
	expect := 0      // the key likely to come next
	i = skipSpace(s, i+1)
	for i < len(s) && s[i] != '}' {
		key, raw, escaped, next := member(s, i)
		i = next
		k := expect
		if k >= len(keys) || keys[k] != key {
			k = slices.Index(keys, key)
		}
		if k >= 0 && found&(1<<k) == 0 {
			vals[k] = rawResult(raw, escaped)
			found |= 1 << k
			expect = k + 1
		}
	}
	for k := range vals {
		if found&(1<<k) == 0 {
			vals[k] = gjson.Result{}
		}
	}
	return i + 1
}

// forEachRow calls fn with each element of the JSON array arr; for object
// elements, vals holds the values of keys, read in the same pass. fn
// returning false stops the iteration.
func forEachRow(arr string, keys []string, vals []gjson.Result, fn func(row gjson.Result) bool) {
	i := skipSpace(arr, 1)
	for i < len(arr) && arr[i] != ']' {
		start := i
		if arr[i] == '{' && len(keys) > 0 {
			i = scanObject(arr, i, keys, vals)
		} else {
			clear(vals)
			i = skipValue(arr, i)
		}
		if !fn(resultOf(arr[start:i])) {
			return
		}
		i = skipSpace(arr, i)
		if i < len(arr) && arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
	}
}

package template

import "github.com/tidwall/gjson"

// validate checks that b is exactly one valid JSON value (RFC 8259)
// nesting objects and arrays at most max levels. It is iterative, with
// an explicit stack, so it is safe on any input; gjson, which recurses,
// reads the bytes only after this check. It returns nil, ErrTooDeep or
// ErrInvalidJSON.
func validate(b []byte, max int) error {
	_, err := scanJSON(b, max, nil)
	return err
}

// scanJSON is validate; when idx is not nil and the value is an object,
// it also adds the object's members to idx in the same pass, and
// indexed reports whether idx holds all of them (false as well when a
// key repeats: see objIndex.build). Render uses it so that the bytes
// are read once for validation, depth and the top-level index together
// (BenchmarkRenderFixture: the separate index pass was ~8% of a render).
func scanJSON[S string | []byte](b S, max int, idx *objIndex) (indexed bool, err error) {
	var stackBuf [64]bool // true: object, false: array
	stack := stackBuf[:0]
	// While indexing, the members of the root object (depth 1) are
	// added to idx: key is b[ks:ke] (quoted), the value starts at vs.
	indexing := false
	ks, ke, vs := 0, 0, 0
	i := skipSpace(b, 0)
	for {
		// A value must come next: parse one at i.
		if i >= len(b) {
			return false, ErrInvalidJSON
		}
		switch c := b[i]; {
		case c == '{' || c == '[':
			if len(stack) >= max {
				return false, ErrTooDeep
			}
			obj := c == '{'
			stack = append(stack, obj)
			if len(stack) == 1 && obj && idx != nil {
				indexing = true
			}
			i = skipSpace(b, i+1)
			if i < len(b) && ((obj && b[i] == '}') || (!obj && b[i] == ']')) {
				stack = stack[:len(stack)-1]
				i++
				goto afterValue
			}
			if obj {
				k := i
				end, next, ok := objectKey(b, i)
				if !ok {
					return false, ErrInvalidJSON
				}
				i = next
				if len(stack) == 1 {
					ks, ke, vs = k, end, i
				}
			}
			continue
		case c == '"':
			var ok bool
			if i, ok = scanString(b, i); !ok {
				return false, ErrInvalidJSON
			}
		case c == '-' || (c >= '0' && c <= '9'):
			var ok bool
			if i, ok = scanNumber(b, i); !ok {
				return false, ErrInvalidJSON
			}
		case c == 't':
			if !hasLiteral(b, i, "true") {
				return false, ErrInvalidJSON
			}
			i += 4
		case c == 'f':
			if !hasLiteral(b, i, "false") {
				return false, ErrInvalidJSON
			}
			i += 5
		case c == 'n':
			if !hasLiteral(b, i, "null") {
				return false, ErrInvalidJSON
			}
			i += 4
		default:
			return false, ErrInvalidJSON
		}
	afterValue:
		for {
			if indexing && len(stack) == 1 {
				// A member of the root object ends at i.
				if !idx.add(memberKey(b[ks:ke]), string(b[vs:i])) {
					indexing = false // a duplicate key: leave the object to gjson
				}
			}
			i = skipSpace(b, i)
			if len(stack) == 0 {
				if i != len(b) {
					return false, ErrInvalidJSON
				}
				return indexing, nil
			}
			if i >= len(b) {
				return false, ErrInvalidJSON
			}
			obj := stack[len(stack)-1]
			switch {
			case b[i] == ',':
				i = skipSpace(b, i+1)
				if obj {
					k := i
					end, next, ok := objectKey(b, i)
					if !ok {
						return false, ErrInvalidJSON
					}
					i = next
					if len(stack) == 1 {
						ks, ke, vs = k, end, i
					}
				}
			case obj && b[i] == '}', !obj && b[i] == ']':
				stack = stack[:len(stack)-1]
				i++
				continue
			default:
				return false, ErrInvalidJSON
			}
			break
		}
	}
}

// memberKey returns the key of the quoted JSON string q, unescaped.
func memberKey[S string | []byte](q S) string {
	key := string(q[1 : len(q)-1])
	for i := 0; i < len(key); i++ {
		if key[i] == '\\' {
			return gjson.Parse(string(q)).Str
		}
	}
	return key
}

// skipSpace returns the index of the first byte at or after i that is
// not JSON white space.
func skipSpace[S string | []byte](b S, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func hasLiteral[S string | []byte](b S, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}

// objectKey scans `"key" :` at i and returns the index after the key's
// closing quote and the index after the colon and any space.
func objectKey[S string | []byte](b S, i int) (keyEnd, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return i, i, false
	}
	i, ok = scanString(b, i)
	if !ok {
		return i, i, false
	}
	keyEnd = i
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return keyEnd, i, false
	}
	return keyEnd, skipSpace(b, i+1), true
}

// scanString scans the string starting at b[i] == '"' and returns the
// index after its closing quote. It checks escapes and rejects control
// characters; invalid UTF-8 is tolerated (it is replaced on display).
func scanString[S string | []byte](b S, i int) (int, bool) {
	i++
	for i < len(b) {
		// Eight bytes at a time up to the first byte that needs a look
		// (see stringSpecial).
		for i+8 <= len(b) {
			m := stringSpecial(load64(b, i))
			if m != 0 {
				i += firstByte(m)
				break
			}
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		switch {
		case c == '"':
			return i + 1, true
		case c == '\\':
			if i+1 >= len(b) {
				return i, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(b)-i < 6 || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return i, false
				}
				i += 6
			default:
				return i, false
			}
		case c < 0x20:
			return i, false
		default:
			i++
		}
	}
	return i, false
}

// scanNumber scans a JSON number at i.
func scanNumber[S string | []byte](b S, i int) (int, bool) {
	if b[i] == '-' {
		i++
	}
	if i >= len(b) {
		return i, false
	}
	switch {
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		s := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == s {
			return i, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		s := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == s {
			return i, false
		}
	}
	return i, true
}

package variables

import (
	"encoding/json"
	"errors"
	"strings"
)

// layoutJSON checks that the template is JSON-shaped and decides for each slot whether it stands
// inside a string literal or alone as a value. Placeholders in object keys, after a backslash, or
// where a key is expected are refused. The template with every placeholder replaced by a dummy
// must be valid JSON.
func (t *Template) layoutJSON() error {
	var (
		stack     []byte // '{' or '['
		expectKey bool
		inString  bool
		isKey     bool
		escaped   bool
		skel      []byte
		skelStart []int // skeleton offset where lit i / slot i starts, interleaved
	)
	for i, l := range t.lits {
		skelStart = append(skelStart, len(skel))
		skel = append(skel, l...)
		for j := 0; j < len(l); j++ {
			c := l[j]
			if inString {
				switch {
				case escaped:
					escaped = false
				case c == '\\':
					escaped = true
				case c == '"':
					inString = false
				}
				continue
			}
			switch c {
			case '"':
				inString = true
				isKey = len(stack) > 0 && stack[len(stack)-1] == '{' && expectKey
			case '{':
				stack = append(stack, c)
				expectKey = true
			case '[':
				stack = append(stack, c)
				expectKey = false
			case '}', ']':
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
				expectKey = false
			case ',':
				expectKey = len(stack) > 0 && stack[len(stack)-1] == '{'
			case ':':
				expectKey = false
			}
		}
		if i == len(t.slots) {
			break
		}
		s := &t.slots[i]
		skelStart = append(skelStart, len(skel))
		switch {
		case inString && escaped:
			return &SyntaxError{Offset: s.offset, Msg: "placeholder after a backslash in a JSON string; expected a character of the escape", Err: ErrPlacement}
		case inString && isKey:
			return &SyntaxError{Offset: s.offset, Msg: "placeholder in a JSON object key; expected it in a value", Err: ErrPlacement}
		case inString:
			s.esc = escJSONString
			skel = append(skel, 'x')
		case len(stack) > 0 && stack[len(stack)-1] == '{' && expectKey:
			return &SyntaxError{Offset: s.offset, Msg: "placeholder where a JSON object key is expected; expected a quoted key", Err: ErrPlacement}
		default:
			s.esc = escJSONValue
			skel = append(skel, `"x"`...)
		}
	}
	var raw json.RawMessage
	if err := json.Unmarshal(skel, &raw); err != nil {
		off := 0
		msg := "expected a JSON document"
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			off = len(t.src)
			if !strings.Contains(se.Error(), "unexpected end") {
				off = t.jsonSourceOffset(skelStart, int(se.Offset)-1)
			}
			msg = "expected valid JSON: " + strings.TrimPrefix(se.Error(), "json: ")
		}
		return &SyntaxError{Offset: off, Msg: msg}
	}
	return nil
}

// jsonSourceOffset maps an offset in the JSON skeleton back to the template source.
func (t *Template) jsonSourceOffset(skelStart []int, off int) int {
	if off < 0 {
		off = 0
	}
	k := 0
	for k+1 < len(skelStart) && skelStart[k+1] <= off {
		k++
	}
	if k%2 == 1 { // inside a slot's dummy
		return t.slots[k/2].offset
	}
	src := t.litOffset(k/2) + off - skelStart[k]
	return min(src, len(t.src))
}

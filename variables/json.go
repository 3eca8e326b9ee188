package variables

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// layoutJSON checks that the template is JSON-shaped and decides for each slot whether it stands
// inside a string literal or alone as a value. Placeholders in object keys, after a backslash, or
// where a key is expected are refused. The template with every placeholder replaced by a dummy
// must be valid JSON, and no object may repeat a key.
func (t *Template) layoutJSON() error {
	var (
		stack     []byte // '{' or '['
		expectKey bool
		inString  bool
		isKey     bool
		escaped   bool
		skel      []byte
		skelStart []int             // skeleton offset where lit i / slot i starts, interleaved
		keys      []map[string]bool // the keys seen in each open object, nil until its first key
		keyStart  = -1              // offset in the current literal of the key being read
		dup       *SyntaxError      // the first duplicate key, reported once the JSON is valid
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
					if isKey && dup == nil && len(keys) > 0 {
						dup = checkKey(&keys[len(keys)-1], l[keyStart:j+1], t.litOffset(i)+keyStart)
					}
				}
				continue
			}
			switch c {
			case '"':
				inString = true
				isKey = len(stack) > 0 && stack[len(stack)-1] == '{' && expectKey
				keyStart = j
			case '{':
				stack = append(stack, c)
				keys = append(keys, nil)
				expectKey = true
			case '[':
				stack = append(stack, c)
				expectKey = false
			case '}', ']':
				if len(stack) > 0 {
					if stack[len(stack)-1] == '{' && len(keys) > 0 {
						keys = keys[:len(keys)-1]
					}
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
	// JSON text is UTF-8 (RFC 8259); encoding/json would pass invalid bytes of the template
	// through to parsers that reject them. Values are made valid when they are escaped.
	for i, l := range t.lits {
		if !utf8.ValidString(l) {
			off := t.litOffset(i)
			for len(l) > 0 {
				r, size := utf8.DecodeRuneInString(l)
				if r == utf8.RuneError && size == 1 {
					break
				}
				l, off = l[size:], off+size
			}
			return &SyntaxError{Offset: off, Msg: "expected UTF-8 text in a JSON template"}
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
	if dup != nil {
		return dup
	}
	return nil
}

// checkKey records the object key whose JSON string literal is raw (quotes included) in seen
// and returns an error when the object already has it: parsers disagree on which of two equal
// keys wins, so a body must say each key once. off is the key's offset in the source.
func checkKey(seen *map[string]bool, raw string, off int) *SyntaxError {
	key := raw[1 : len(raw)-1]
	if strings.IndexByte(key, '\\') >= 0 && json.Unmarshal([]byte(raw), &key) != nil {
		return nil // not a valid string: the JSON check reports it
	}
	if *seen == nil {
		*seen = map[string]bool{}
	}
	if (*seen)[key] {
		return &SyntaxError{Offset: off, Msg: fmt.Sprintf("duplicate key %q in a JSON object; expected each key once", key)}
	}
	(*seen)[key] = true
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

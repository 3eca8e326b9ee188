package template

import (
	"errors"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// Path limits (see the package documentation, "Paths").
const (
	maxPathLen      = 256
	maxPathSegments = 32
)

// Reserved path names.
const (
	nameRoot   = "$root"
	nameThis   = "$this"
	nameIndex  = "$index"
	nameNumber = "$number"
)

type pathBase uint8

const (
	baseScope  pathBase = iota // relative to the current scope
	baseRoot                   // $root[.path]
	baseIndex                  // $index: 0-based index of the current repeat item
	baseNumber                 // $number: 1-based index of the current repeat item
)

// path is a validated binding path. gj is the gjson path relative to
// the base; "" means the base value itself.
type path struct {
	base pathBase
	gj   string
	src  string
}

// pathError is why a path was rejected; it is what the variables
// compiler's Validate hook returns.
type pathError struct {
	msg string
}

func (e *pathError) Error() string { return e.msg }

// compilePath validates s against the path allow-list and compiles it.
// inRepeat reports whether $index/$number are defined where s is used.
func compilePath(s string, inRepeat bool) (path, error) {
	if s == "" {
		return path{}, &pathError{"empty path"}
	}
	if len(s) > maxPathLen {
		return path{}, &pathError{"path longer than " + strconv.Itoa(maxPathLen) + " bytes"}
	}
	p := path{src: s}
	rest := s
	if s[0] == '$' {
		name, tail, _ := strings.Cut(s, ".")
		switch name {
		case nameRoot:
			p.base = baseRoot
		case nameThis:
			p.base = baseScope
		case nameIndex, nameNumber:
			if tail != "" || strings.HasSuffix(s, ".") {
				return path{}, &pathError{name + " takes no path"}
			}
			if !inRepeat {
				return path{}, &pathError{"$index and $number are only defined inside a repeat or table"}
			}
			p.base = baseIndex
			if name == nameNumber {
				p.base = baseNumber
			}
			return p, nil
		default:
			return path{}, &pathError{"unknown name " + strconv.Quote(name) + " (want $root, $this, $index or $number)"}
		}
		if tail == "" {
			if strings.HasSuffix(s, ".") {
				return path{}, &pathError{"path ends with '.'"}
			}
			return p, nil
		}
		rest = tail
	}
	if err := checkGJSONPath(rest); err != nil {
		return path{}, err
	}
	p.gj = rest
	return p, nil
}

// checkGJSONPath enforces the allowed subset of gjson's path syntax: dot
// separated keys, array indexes and '#' (count, or map over an array),
// with '\' escaping a special character inside a key. Wildcards,
// queries, modifiers, pipes and multipaths are refused.
func checkGJSONPath(s string) error {
	segs := 0
	segStart := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if segStart {
			segs++
			if segs > maxPathSegments {
				return &pathError{"path has more than " + strconv.Itoa(maxPathSegments) + " segments"}
			}
			if c == '.' {
				return &pathError{"empty path segment"}
			}
			if c == '#' {
				if i+1 < len(s) && s[i+1] != '.' {
					return &pathError{"'#' must stand alone as a segment (queries are not supported)"}
				}
				i++ // skip '#' and the following '.', if any
				if i == len(s)-1 {
					return &pathError{"path ends with '.'"}
				}
				continue
			}
			segStart = false
		}
		switch {
		case c == '.':
			if i == len(s)-1 {
				return &pathError{"path ends with '.'"}
			}
			segStart = true
		case c == '\\':
			if i+1 >= len(s) || !isPathSpecial(s[i+1]) {
				return &pathError{"'\\' must escape a special character"}
			}
			i++
		case c < 0x21 || c == 0x7f:
			return &pathError{"control or space character in path"}
		case isPathSpecial(c):
			return &pathError{"character " + strconv.QuoteRune(rune(c)) + " is not allowed in a path (no wildcards, queries, modifiers, pipes or multipaths)"}
		}
	}
	return nil
}

func isPathSpecial(c byte) bool {
	switch c {
	case '.', '|', '#', '@', '*', '?', '!', '=', '<', '>', '%', '(', ')', '[', ']', '{', '}', ',', '"', '\\', '$', ':', '~', '\'':
		return true
	}
	return false
}

// scope is where bindings are evaluated.
type scope struct {
	cur   gjson.Result
	root  gjson.Result
	index int // -1 outside a repeat
}

// get evaluates p in sc. A result whose Exists reports false is missing.
func (p *path) get(sc *scope) gjson.Result {
	switch p.base {
	case baseIndex, baseNumber:
		if sc.index < 0 {
			return gjson.Result{}
		}
		n := sc.index
		if p.base == baseNumber {
			n++
		}
		return gjson.Result{Type: gjson.Number, Num: float64(n), Raw: strconv.Itoa(n)}
	case baseRoot:
		if p.gj == "" {
			return sc.root
		}
		return getIn(sc.root, p.gj)
	}
	if p.gj == "" {
		return sc.cur
	}
	return getIn(sc.cur, p.gj)
}

func getIn(v gjson.Result, gj string) gjson.Result {
	if v.Type != gjson.JSON {
		return gjson.Result{}
	}
	return gjson.Get(v.Raw, gj)
}

// isPathError reports whether err came from the path allow-list.
func isPathError(err error) (*pathError, bool) {
	return errors.AsType[*pathError](err)
}

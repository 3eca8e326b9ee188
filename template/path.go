package template

import (
	"errors"
	"slices"
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
	base  pathBase
	gj    string
	src   string
	first string // the first segment of gj when it is a plain key, else ""
	rest  string // gj after first and its dot
}

// pathError is why a path was rejected; it is what the variables
// compiler's Validate hook returns.
type pathError struct {
	msg string
}

// Error returns the reason the path was rejected.
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
	if first, tail, _ := strings.Cut(rest, "."); isPlainKey(first) {
		p.first, p.rest = first, tail
	}
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
	cur     gjson.Result
	root    gjson.Result
	index   int       // -1 outside a repeat
	idx     *objIndex // top-level keys of cur, or nil
	rootIdx *objIndex // top-level keys of root, or nil
	w       *work     // the render's work budget; nil: unlimited
}

// work is the scan budget of one render: the bytes that path lookups,
// list iterations, condition operands and expanded values may still
// read. Each lookup is charged the size of the JSON it searches, an
// upper bound of what gjson scans. Without it, lookups that re-read the
// same large value (a $root binding in every row when the response has
// duplicate top-level keys, a repeat over $root.big nested in another
// repeat) multiply the work by the node count: seconds per render from
// under 1 MiB of data.
type work struct {
	left int
}

// spend charges n bytes and reports whether the budget still holds.
// A nil *work is unlimited.
func (w *work) spend(n int) bool {
	if w == nil {
		return true
	}
	w.left -= n
	return w.left >= 0
}

// workBudget is the work budget of a render of n bytes of data.
func workBudget(n int) int {
	return workFactor * max(n, minWorkBase)
}

// The work budget is workFactor times the data size, counting data
// smaller than minWorkBase as that size: 64 MiB of scanning for a
// 1 MiB response, 4 MiB for a small one.
const (
	workFactor  = 64
	minWorkBase = 64 << 10
)

// get evaluates p in sc. A result whose Exists reports false is missing,
// which is also what every lookup returns once the work budget is spent.
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
		return p.getIndexed(sc.rootIdx, sc.root, sc.w)
	}
	if p.gj == "" {
		return sc.cur
	}
	return p.getIndexed(sc.idx, sc.cur, sc.w)
}

// getIndexed evaluates p in v, using idx (the top-level keys of v, when
// not nil) for the first segment, and charges w for the scan.
func (p *path) getIndexed(idx *objIndex, v gjson.Result, w *work) gjson.Result {
	if idx == nil || p.first == "" {
		return getIn(v, p.gj, w)
	}
	f := idx.get(p.first)
	if p.rest == "" {
		return f
	}
	return getIn(f, p.rest, w)
}

// maxIndexKeys is how many keys an objIndex searches linearly; larger
// objects get a map.
const maxIndexKeys = 64

// objIndex holds the top-level keys and values of the response object,
// read in one pass, so that bindings into a large response do not make
// gjson skip over the same big arrays for every lookup.
type objIndex struct {
	keys []string
	vals []gjson.Result
	m    map[string]int // key -> index, when there are more than maxIndexKeys keys

	// Storage for the first keys: an index lives in its renderer, so
	// typical responses index without allocating (TestRenderAllocs).
	keyBuf [8]string
	valBuf [8]gjson.Result
}

// build indexes the object raw (valid JSON); false when it has a
// duplicate key. Render builds the index while validating (scanJSON);
// build is the plain form of the same, which the tests compare with
// gjson.
func (x *objIndex) build(raw string) bool {
	i := skipSpace(raw, 1)
	for i < len(raw) && raw[i] != '}' {
		key, val, _, next := member(raw, i)
		i = next
		if !x.add(key, val) {
			return false
		}
	}
	return true
}

// add appends the member key with the raw JSON value val; false when
// key is already there. gjson resolves a.b through a later duplicate "a"
// when the first is not an object: objects with duplicate keys are left
// to gjson.
func (x *objIndex) add(key, val string) bool {
	if x.keys == nil {
		x.keys, x.vals = x.keyBuf[:0], x.valBuf[:0]
	}
	if x.m == nil && len(x.keys) == maxIndexKeys {
		x.m = make(map[string]int, 2*maxIndexKeys)
		for j, k := range x.keys {
			x.m[k] = j
		}
	}
	if x.m != nil {
		if _, dup := x.m[key]; dup {
			return false
		}
		x.m[key] = len(x.keys)
	} else if slices.Contains(x.keys, key) {
		return false
	}
	x.keys = append(x.keys, key)
	x.vals = append(x.vals, resultOf(val))
	return true
}

// get returns the value of key, as gjson would.
func (x *objIndex) get(key string) gjson.Result {
	if x.m != nil {
		if i, ok := x.m[key]; ok {
			return x.vals[i]
		}
		return gjson.Result{}
	}
	for i, k := range x.keys {
		if k == key {
			return x.vals[i]
		}
	}
	return gjson.Result{}
}

// getIn evaluates the gjson path gj in v, charging w the size of v.
func getIn(v gjson.Result, gj string, w *work) gjson.Result {
	if v.Type != gjson.JSON || !w.spend(len(v.Raw)) {
		return gjson.Result{}
	}
	return gjson.Get(v.Raw, gj)
}

// isPathError reports whether err came from the path allow-list.
func isPathError(err error) (*pathError, bool) {
	return errors.AsType[*pathError](err)
}

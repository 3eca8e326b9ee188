package template

import (
	"regexp"
	"strings"

	"github.com/tidwall/gjson"
)

// condCost is what evaluating one leaf condition costs against the work
// budget, beyond the bytes it reads: hidden items take no nodes, so
// without it a wide "any" evaluated for every item of nested repeats
// would escape both the node limit and the budget.
const condCost = 16

// Condition limits.
const (
	maxCondDepth   = 8
	maxRegexpLen   = 256
	maxInOperands  = 100
	maxMatchTarget = 4096
)

type condOp uint8

const (
	opExists condOp = iota + 1
	opEmpty
	opTruthy
	opEq
	opNe
	opGt
	opGte
	opLt
	opLte
	opIn
	opContains
	opStartsWith
	opEndsWith
	opMatches
	opAll
	opAny
	opNot
)

func condOpOf(s string) (condOp, bool) {
	switch s {
	case "exists":
		return opExists, true
	case "empty":
		return opEmpty, true
	case "truthy":
		return opTruthy, true
	case "eq":
		return opEq, true
	case "ne":
		return opNe, true
	case "gt":
		return opGt, true
	case "gte":
		return opGte, true
	case "lt":
		return opLt, true
	case "lte":
		return opLte, true
	case "in":
		return opIn, true
	case "contains":
		return opContains, true
	case "starts_with":
		return opStartsWith, true
	case "ends_with":
		return opEndsWith, true
	case "matches":
		return opMatches, true
	}
	return 0, false
}

// needsValue reports whether op takes a "value" operand.
func (op condOp) needsValue() bool { return op >= opEq && op <= opMatches }

// cond is a compiled `when` condition.
type cond struct {
	op   condOp
	path path
	val  gjson.Result   // operand
	vals []gjson.Result // operands of in
	re   *regexp.Regexp
	subs []*cond
}

func (c *cond) eval(sc *scope) bool {
	switch c.op {
	case opAll:
		for _, s := range c.subs {
			if !s.eval(sc) {
				return false
			}
		}
		return true
	case opAny:
		for _, s := range c.subs {
			if s.eval(sc) {
				return true
			}
		}
		return false
	case opNot:
		return !c.subs[0].eval(sc)
	}
	if !sc.w.spend(condCost) {
		return false
	}
	v := c.path.get(sc)
	switch c.op {
	case opExists:
		return v.Exists()
	case opEmpty:
		return isEmpty(v)
	case opTruthy:
		return !isFalsy(v)
	}
	if !v.Exists() {
		return c.op == opNe
	}
	// The ops below read the value, once per operand of in (a numeric
	// string is parsed for each).
	n := len(v.Raw)
	if c.op == opMatches {
		n = min(n, maxMatchTarget)
	}
	if !sc.w.spend(n * max(1, len(c.vals))) {
		return false
	}
	switch c.op {
	case opEq:
		return equalJSON(v, c.val)
	case opNe:
		return !equalJSON(v, c.val)
	case opGt:
		cmp, ok := compareJSON(v, c.val)
		return ok && cmp > 0
	case opGte:
		cmp, ok := compareJSON(v, c.val)
		return ok && cmp >= 0
	case opLt:
		cmp, ok := compareJSON(v, c.val)
		return ok && cmp < 0
	case opLte:
		cmp, ok := compareJSON(v, c.val)
		return ok && cmp <= 0
	case opIn:
		for _, x := range c.vals {
			if equalJSON(v, x) {
				return true
			}
		}
		return false
	case opContains:
		if v.IsArray() {
			found := false
			v.ForEach(func(_, e gjson.Result) bool {
				found = equalJSON(e, c.val)
				return !found
			})
			return found
		}
		return isScalar(v) && strings.Contains(plainString(v), plainString(c.val))
	case opStartsWith:
		return isScalar(v) && strings.HasPrefix(plainString(v), plainString(c.val))
	case opEndsWith:
		return isScalar(v) && strings.HasSuffix(plainString(v), plainString(c.val))
	case opMatches:
		if !isScalar(v) {
			return false
		}
		s := plainString(v)
		if len(s) > maxMatchTarget {
			s = s[:maxMatchTarget]
		}
		return c.re.MatchString(s)
	}
	return false
}

func isScalar(v gjson.Result) bool {
	return v.Type == gjson.String || v.Type == gjson.Number || v.Type == gjson.True || v.Type == gjson.False
}

// isEmpty reports whether v is missing, null, "", [] or {}.
func isEmpty(v gjson.Result) bool {
	switch v.Type {
	case gjson.Null:
		return true
	case gjson.String:
		return v.Str == ""
	case gjson.JSON:
		for i := 1; i < len(v.Raw); i++ {
			switch v.Raw[i] {
			case ' ', '\t', '\n', '\r':
				continue
			case ']', '}':
				return true
			}
			return false
		}
	}
	return false
}

// isFalsy reports whether v is missing, null, false, 0, "", [] or {}.
func isFalsy(v gjson.Result) bool {
	switch v.Type {
	case gjson.False:
		return true
	case gjson.Number:
		var scratch [32]byte
		n, ok := parseNum(v.Raw, scratch[:0])
		return ok && n.isZero()
	}
	return isEmpty(v)
}

// asNum reads a number, or a string holding one.
func asNum(v gjson.Result, buf []byte) (num, bool) {
	s, ok := numText(v)
	if !ok {
		return num{}, false
	}
	return parseNum(s, buf)
}

// equalJSON compares by JSON type; a number equals a string holding the
// same number.
func equalJSON(a, b gjson.Result) bool {
	if a.Type == gjson.Number || b.Type == gjson.Number {
		var sa, sb [64]byte
		x, okA := asNum(a, sa[:0])
		y, okB := asNum(b, sb[:0])
		return okA && okB && cmpNum(x, y) == 0
	}
	if a.Type != b.Type {
		return false
	}
	switch a.Type {
	case gjson.String:
		return a.Str == b.Str
	case gjson.JSON:
		return a.Raw == b.Raw
	}
	return true
}

// compareJSON orders numbers (and numeric strings against numbers)
// numerically and strings lexically.
func compareJSON(a, b gjson.Result) (int, bool) {
	if a.Type == gjson.Number || b.Type == gjson.Number {
		var sa, sb [64]byte
		x, okA := asNum(a, sa[:0])
		y, okB := asNum(b, sb[:0])
		if !okA || !okB {
			return 0, false
		}
		return cmpNum(x, y), true
	}
	if a.Type == gjson.String && b.Type == gjson.String {
		return strings.Compare(a.Str, b.Str), true
	}
	return 0, false
}

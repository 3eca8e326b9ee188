package template

import (
	"strconv"

	"github.com/tidwall/gjson"
)

// A Condition is a compiled condition in the language of a section's
// "when" (see the package documentation, "Conditions"), for a caller that
// decides something other than a section's visibility with it, such as
// whether an integration runs for a contact. It is immutable and safe for
// concurrent use by multiple goroutines.
type Condition struct {
	c     *cond
	paths []ConditionPath
}

// ConditionPath is one path a [Condition] reads.
type ConditionPath struct {
	// Pointer is the JSON pointer of the path's "path" member in the
	// condition, such as /all/1/path.
	Pointer string
	// Path is the path as written.
	Path string
}

// ParseCondition parses def, one condition object such as
// {"path": "contact.attributes.plan", "op": "eq", "value": "vip"} or
// {"all": [...]}. It reports every problem at once as a *[ParseError]
// whose pointers are relative to def ("" for def itself,
// "/all/1/op"), so a caller prefixes the pointer of the condition in its
// own document. $index and $number are not defined in a condition parsed
// alone; $root and $this are the document root.
func ParseCondition(def []byte) (*Condition, error) {
	p := &parser{paths: map[string]path{}}
	if len(def) > MaxDefinitionBytes {
		p.add("too_large", "", "condition larger than "+strconv.Itoa(MaxDefinitionBytes)+" bytes")
		return nil, p.err()
	}
	if err := validate(def, maxDefDepth); err != nil {
		if err == ErrTooDeep {
			p.add("too_deep", "", "condition nested more than "+strconv.Itoa(maxDefDepth)+" levels")
		} else {
			p.add("invalid_json", "", "condition is not valid JSON")
		}
		return nil, p.err()
	}
	c := p.cond(gjson.Parse(string(def)), "", 0, false)
	if len(p.problems) > 0 || c == nil {
		return nil, p.err()
	}
	cd := &Condition{c: c}
	cd.paths = c.appendPaths(nil, "")
	return cd, nil
}

// appendPaths appends the paths c, found at ptr, reads, in document
// order. A parsed condition has every sub-condition, so the pointers
// follow the definition's indexes.
func (c *cond) appendPaths(dst []ConditionPath, ptr string) []ConditionPath {
	switch c.op {
	case opAll, opAny:
		key := "/all/"
		if c.op == opAny {
			key = "/any/"
		}
		for i, s := range c.subs {
			dst = s.appendPaths(dst, ptr+key+strconv.Itoa(i))
		}
		return dst
	case opNot:
		return c.subs[0].appendPaths(dst, ptr+"/not")
	}
	return append(dst, ConditionPath{Pointer: ptr + "/path", Path: c.path.src})
}

// Paths returns the paths the condition reads, as written, in document
// order, for a caller that checks them against what its documents hold.
// The caller may modify the returned slice.
func (c *Condition) Paths() []ConditionPath {
	return append([]ConditionPath(nil), c.paths...)
}

// Match reports whether the condition holds for data, a JSON document its
// paths are read from. It fails only when data is unusable, with the
// errors of [Template.Render] under [DefaultMaxInputBytes] and
// [DefaultMaxDepth]. Evaluation is bounded by the same work budget as a
// render: a condition whose evaluation exceeds it does not hold.
func (c *Condition) Match(data []byte) (bool, error) {
	if len(data) > DefaultMaxInputBytes {
		return false, ErrTooLarge
	}
	if err := validate(data, DefaultMaxDepth); err != nil {
		return false, err
	}
	w := work{left: workBudget(len(data))}
	root := gjson.Parse(string(data))
	sc := scope{cur: root, root: root, index: -1, w: &w}
	return c.c.eval(&sc), nil
}

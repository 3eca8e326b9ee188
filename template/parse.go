package template

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/inboxkit/inboxkit/variables"
	"github.com/tidwall/gjson"
)

// Definition limits (see the package documentation).
const (
	// MaxDefinitionBytes is the largest template definition Parse accepts.
	MaxDefinitionBytes = 256 << 10
	// MaxLimit is the largest "limit" of a table or repeat section.
	MaxLimit = 1000
	// DefaultLimit is the "limit" of a table or repeat section without one.
	DefaultLimit = 100

	maxDefDepth     = 64   // JSON nesting of the definition
	maxSectionDepth = 8    // nesting of cards and repeats
	maxElements     = 1000 // sections, fields and conditions in one definition
)

// Template is a parsed, validated display template. It is immutable and
// safe for concurrent use by multiple goroutines.
type Template struct {
	sections []*section
	paths    map[string]path
	usesNow  bool // a relative format reads RenderOptions.Now
}

// section is a compiled section of any type.
type section struct {
	typ      NodeType
	ptr      string
	when     *cond
	title    *binding
	children []*section // card
	items    []*field   // keyvalue
	columns  []*field   // table
	path     path       // table, repeat
	limit    int        // table, repeat
	empty    *binding   // table, repeat: text when there are no rows
	item     *section   // repeat
	text     *binding   // text
	style    string     // text, button
	label    *binding   // link, button, badge
	url      *binding   // link, button, image
	value    *field     // badge
	alt      *binding   // image
	width    int        // image
	height   int        // image
	rowKeys  []string   // table: top-level keys the columns read, looked up in one pass per row
}

// field is a labelled value: a key-value item, a table column, a badge.
type field struct {
	ptr    string // of the field; the value is at ptr+"/value"
	vptr   string
	slot   int // table column: index of its value in section.rowKeys, or -1
	label  *binding
	value  *binding
	format *format
	when   *cond
}

// Parse parses and validates a template definition (see the package
// documentation for the format). It reports every problem it finds at
// once, as a *[ParseError].
func Parse(def []byte) (*Template, error) {
	p := &parser{paths: map[string]path{}}
	if len(def) > MaxDefinitionBytes {
		p.add("too_large", "", "definition larger than "+strconv.Itoa(MaxDefinitionBytes)+" bytes")
		return nil, p.err()
	}
	if err := validate(def, maxDefDepth); err != nil {
		if err == ErrTooDeep {
			p.add("too_deep", "", "definition nested more than "+strconv.Itoa(maxDefDepth)+" levels")
		} else {
			p.add("invalid_json", "", "definition is not valid JSON")
		}
		return nil, p.err()
	}
	t := &Template{paths: p.paths}
	root := gjson.Parse(string(def))
	o, ok := p.object(root, "", "version", "sections")
	if !ok {
		return nil, p.err()
	}
	if v, ok := o.get("version"); !ok {
		p.add("missing_field", "/version", "version is required")
	} else if v.Type != gjson.Number || v.Raw != "1" {
		p.add("unsupported_version", "/version", "version must be 1")
	}
	if v, ok := o.get("sections"); !ok {
		p.add("missing_field", "/sections", "sections is required")
	} else {
		t.sections = p.sections(v, "/sections", 0, false)
	}
	t.usesNow = p.usesNow
	if len(p.problems) > 0 {
		return nil, p.err()
	}
	return t, nil
}

type parser struct {
	problems []Problem
	paths    map[string]path
	elements int
	usesNow  bool
}

func (p *parser) add(code, ptr, msg string) {
	if len(p.problems) < MaxProblems {
		p.problems = append(p.problems, Problem{Path: ptr, Code: code, Message: msg})
	}
}

func (p *parser) err() error {
	return &ParseError{Problems: p.problems}
}

// count counts one element against maxElements.
func (p *parser) count(ptr string) bool {
	p.elements++
	if p.elements == maxElements+1 {
		p.add("too_many", ptr, "more than "+strconv.Itoa(maxElements)+" sections, fields and conditions")
	}
	return p.elements <= maxElements
}

func typeName(v gjson.Result) string {
	switch v.Type {
	case gjson.Null:
		return "null"
	case gjson.False, gjson.True:
		return "boolean"
	case gjson.Number:
		return "number"
	case gjson.String:
		return "string"
	}
	if v.IsArray() {
		return "array"
	}
	return "object"
}

// obj is a JSON object whose keys were checked.
type obj struct {
	keys []string
	vals []gjson.Result
}

func (o obj) get(k string) (gjson.Result, bool) {
	for i, key := range o.keys {
		if key == k {
			return o.vals[i], true
		}
	}
	return gjson.Result{}, false
}

// object checks that v is an object with only allowed keys, each once.
func (p *parser) object(v gjson.Result, ptr string, allowed ...string) (obj, bool) {
	if !v.IsObject() {
		p.add("invalid_type", ptr, "want an object, got "+typeName(v))
		return obj{}, false
	}
	var o obj
	v.ForEach(func(k, val gjson.Result) bool {
		key := k.String()
		kp := ptr + "/" + variables.PointerToken(key)
		if _, dup := o.get(key); dup {
			p.add("duplicate_key", kp, "key "+strconv.Quote(key)+" appears more than once")
			return true
		}
		if !slices.Contains(allowed, key) {
			p.add("unknown_key", kp, "unknown key "+quoteShort(key)+" (allowed: "+strings.Join(allowed, ", ")+")")
			return true
		}
		o.keys = append(o.keys, key)
		o.vals = append(o.vals, val)
		return true
	})
	return o, true
}

func (p *parser) str(o obj, key, ptr string, required bool) (string, bool) {
	v, ok := o.get(key)
	if !ok {
		if required {
			p.add("missing_field", ptr+"/"+key, key+" is required")
		}
		return "", false
	}
	if v.Type != gjson.String {
		p.add("invalid_type", ptr+"/"+key, key+" must be a string, got "+typeName(v))
		return "", false
	}
	return v.Str, true
}

func (p *parser) integer(o obj, key, ptr string, lo, hi int) (int, bool) {
	v, ok := o.get(key)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v.Raw)
	if v.Type != gjson.Number || err != nil {
		p.add("invalid_type", ptr+"/"+key, key+" must be an integer")
		return 0, false
	}
	if n < lo || n > hi {
		p.add("out_of_range", ptr+"/"+key, key+" must be between "+strconv.Itoa(lo)+" and "+strconv.Itoa(hi))
		return 0, false
	}
	return n, true
}

func (p *parser) boolean(o obj, key, ptr string) bool {
	v, ok := o.get(key)
	if !ok {
		return false
	}
	if v.Type != gjson.True && v.Type != gjson.False {
		p.add("invalid_type", ptr+"/"+key, key+" must be a boolean")
		return false
	}
	return v.Type == gjson.True
}

// binding compiles the string at o[key] as a template string.
func (p *parser) binding(o obj, key, ptr string, required bool, target variables.Target, inRepeat bool) *binding {
	s, ok := p.str(o, key, ptr, required)
	if !ok {
		return nil
	}
	kp := ptr + "/" + key
	if len(s) > maxBindingSource {
		p.add("too_long", kp, "longer than "+strconv.Itoa(maxBindingSource)+" bytes")
		return nil
	}
	b, err := compileBinding(s, target, inRepeat, p.paths)
	if err != nil {
		if pe, ok := isPathError(err); ok {
			p.add("invalid_path", kp, pe.msg)
		} else if errors.Is(err, variables.ErrPlacement) {
			p.add("unsafe_url", kp, "a binding may not supply the scheme or host of a URL: write them literally, or bind the whole URL ("+err.Error()+")")
		} else {
			p.add("invalid_binding", kp, err.Error())
		}
		return nil
	}
	return b
}

// urlBinding compiles a URL template and checks that bindings cannot
// supply its scheme or host.
func (p *parser) urlBinding(o obj, key, ptr string, inRepeat, httpsOnly bool) *binding {
	b := p.binding(o, key, ptr, true, variables.URL, inRepeat)
	if b == nil {
		return nil
	}
	if msg := checkURLTemplate(b.src, b.single, httpsOnly); msg != "" {
		p.add("unsafe_url", ptr+"/"+key, msg)
		return nil
	}
	return b
}

func (p *parser) pathAt(o obj, key, ptr string, inRepeat bool) (path, bool) {
	s, ok := p.str(o, key, ptr, true)
	if !ok {
		return path{}, false
	}
	pa, err := compilePath(s, inRepeat)
	if err != nil {
		p.add("invalid_path", ptr+"/"+key, err.Error())
		return path{}, false
	}
	return pa, true
}

func (p *parser) sections(v gjson.Result, ptr string, depth int, inRepeat bool) []*section {
	if !v.IsArray() {
		p.add("invalid_type", ptr, "want an array, got "+typeName(v))
		return nil
	}
	var out []*section
	i := 0
	v.ForEach(func(_, s gjson.Result) bool {
		if sec := p.section(s, ptr+"/"+strconv.Itoa(i), depth, inRepeat); sec != nil {
			out = append(out, sec)
		}
		i++
		return p.elements <= maxElements
	})
	return out
}

// sectionKeys lists the keys each section type allows besides type and when.
func sectionKeys(typ string) ([]string, bool) {
	switch typ {
	case "card":
		return []string{"title", "sections"}, true
	case "keyvalue":
		return []string{"title", "items"}, true
	case "table":
		return []string{"title", "path", "columns", "limit", "empty"}, true
	case "text":
		return []string{"text", "style"}, true
	case "divider", "separator":
		return nil, true
	case "repeat":
		return []string{"title", "path", "item", "limit", "empty"}, true
	case "link":
		return []string{"label", "url"}, true
	case "button":
		return []string{"label", "url", "style"}, true
	case "badge":
		return []string{"label", "value", "tones", "default_tone"}, true
	case "image":
		return []string{"url", "alt", "width", "height"}, true
	}
	return nil, false
}

func (p *parser) section(v gjson.Result, ptr string, depth int, inRepeat bool) *section {
	if !p.count(ptr) {
		return nil
	}
	if !v.IsObject() {
		p.add("invalid_type", ptr, "a section must be an object, got "+typeName(v))
		return nil
	}
	tv := v.Get("type")
	if !tv.Exists() {
		p.add("missing_field", ptr+"/type", "type is required")
		return nil
	}
	if tv.Type != gjson.String {
		p.add("invalid_type", ptr+"/type", "type must be a string")
		return nil
	}
	keys, ok := sectionKeys(tv.Str)
	if !ok {
		p.add("unknown_section_type", ptr+"/type", "unknown section type "+quoteShort(tv.Str)+" (want card, keyvalue, table, text, divider, separator, repeat, link, button, badge or image)")
		return nil
	}
	o, ok := p.object(v, ptr, append([]string{"type", "when"}, keys...)...)
	if !ok {
		return nil
	}
	s := &section{typ: NodeType(tv.Str), ptr: ptr}
	if w, ok := o.get("when"); ok {
		s.when = p.cond(w, ptr+"/when", 0, inRepeat)
	}
	text := func(key string, required bool) *binding {
		return p.binding(o, key, ptr, required, variables.Text, inRepeat)
	}
	switch tv.Str {
	case "card":
		s.title = text("title", false)
		if depth >= maxSectionDepth {
			p.add("too_deep", ptr, "cards and repeats nested more than "+strconv.Itoa(maxSectionDepth)+" levels")
			return nil
		}
		if c, ok := o.get("sections"); ok {
			s.children = p.sections(c, ptr+"/sections", depth+1, inRepeat)
		} else {
			p.add("missing_field", ptr+"/sections", "sections is required")
		}
	case "keyvalue":
		s.title = text("title", false)
		if it, ok := o.get("items"); ok {
			s.items = p.fields(it, ptr+"/items", inRepeat)
		} else {
			p.add("missing_field", ptr+"/items", "items is required")
		}
	case "table", "repeat":
		s.title = text("title", false)
		s.empty = text("empty", false)
		s.path, _ = p.pathAt(o, "path", ptr, inRepeat)
		s.limit = DefaultLimit
		if n, ok := p.integer(o, "limit", ptr, 1, MaxLimit); ok {
			s.limit = n
		}
		if tv.Str == "table" {
			if c, ok := o.get("columns"); ok {
				s.columns = p.fields(c, ptr+"/columns", true)
				s.assignRowKeys()
				if len(s.columns) == 0 && c.IsArray() && len(c.Array()) == 0 {
					p.add("missing_field", ptr+"/columns", "a table needs at least one column")
				}
			} else {
				p.add("missing_field", ptr+"/columns", "columns is required")
			}
		} else {
			if depth >= maxSectionDepth {
				p.add("too_deep", ptr, "cards and repeats nested more than "+strconv.Itoa(maxSectionDepth)+" levels")
				return nil
			}
			if it, ok := o.get("item"); ok {
				s.item = p.section(it, ptr+"/item", depth+1, true)
			} else {
				p.add("missing_field", ptr+"/item", "item is required")
			}
		}
	case "text":
		s.text = text("text", true)
		if st, ok := p.str(o, "style", ptr, false); ok {
			switch st {
			case "normal", "muted", "heading":
				s.style = st
			default:
				p.add("invalid_value", ptr+"/style", "style must be normal, muted or heading")
			}
		}
	case "divider", "separator":
		s.typ = NodeDivider
	case "link", "button":
		s.label = text("label", tv.Str == "button")
		s.url = p.urlBinding(o, "url", ptr, inRepeat, false)
		if tv.Str == "button" {
			s.style = "secondary"
			if st, ok := p.str(o, "style", ptr, false); ok {
				switch st {
				case "primary", "secondary", "link":
					s.style = st
				default:
					p.add("invalid_value", ptr+"/style", "style must be primary, secondary or link")
				}
			}
		}
	case "badge":
		s.label = text("label", false)
		f := &field{ptr: ptr, vptr: ptr + "/value", slot: -1, format: &format{kind: KindBadge, precision: -1}}
		f.value = text("value", true)
		p.tones(o, ptr, f.format)
		s.value = f
	case "image":
		s.url = p.urlBinding(o, "url", ptr, inRepeat, true)
		s.alt = text("alt", true)
		s.width, _ = p.integer(o, "width", ptr, 1, 4096)
		s.height, _ = p.integer(o, "height", ptr, 1, 4096)
	}
	return s
}

func (p *parser) fields(v gjson.Result, ptr string, inRepeat bool) []*field {
	if !v.IsArray() {
		p.add("invalid_type", ptr, "want an array, got "+typeName(v))
		return nil
	}
	var out []*field
	i := 0
	v.ForEach(func(_, fv gjson.Result) bool {
		fp := ptr + "/" + strconv.Itoa(i)
		i++
		if !p.count(fp) {
			return false
		}
		o, ok := p.object(fv, fp, "label", "value", "format", "when")
		if !ok {
			return true
		}
		f := &field{ptr: fp, vptr: fp + "/value", slot: -1, format: &format{kind: KindText, precision: -1}}
		f.label = p.binding(o, "label", fp, true, variables.Text, inRepeat)
		f.value = p.binding(o, "value", fp, true, variables.Text, inRepeat)
		if fm, ok := o.get("format"); ok {
			if pf := p.format(fm, fp+"/format", inRepeat); pf != nil {
				f.format = pf
			}
		}
		if w, ok := o.get("when"); ok {
			f.when = p.cond(w, fp+"/when", 0, inRepeat)
		}
		out = append(out, f)
		return true
	})
	return out
}

// formatKeys lists the keys each format type allows besides type.
func formatKeys(typ string) ([]string, bool) {
	switch typ {
	case "text", "email", "phone":
		return nil, true
	case "number":
		return []string{"precision", "compact"}, true
	case "currency":
		return []string{"currency", "precision", "compact", "minor_units"}, true
	case "percent":
		return []string{"precision", "scale"}, true
	case "date", "datetime", "relative":
		return []string{"unit"}, true
	case "duration":
		return []string{"unit"}, true
	case "boolean":
		return []string{"true", "false"}, true
	case "badge":
		return []string{"tones", "default_tone"}, true
	case "link":
		return []string{"label"}, true
	}
	return nil, false
}

func (p *parser) format(v gjson.Result, ptr string, inRepeat bool) *format {
	var typ string
	var o obj
	switch {
	case v.Type == gjson.String:
		typ = v.Str
		if _, ok := formatKeys(typ); !ok {
			p.add("unknown_format", ptr, "unknown format "+quoteShort(typ))
			return nil
		}
		if typ == "currency" {
			p.add("missing_field", ptr, "the currency format needs an object with a currency")
			return nil
		}
	case v.IsObject():
		tv := v.Get("type")
		if tv.Type != gjson.String {
			p.add("missing_field", ptr+"/type", "type is required")
			return nil
		}
		typ = tv.Str
		keys, ok := formatKeys(typ)
		if !ok {
			p.add("unknown_format", ptr+"/type", "unknown format "+quoteShort(typ)+" (want text, number, currency, percent, date, datetime, relative, duration, boolean, badge, link, email or phone)")
			return nil
		}
		if o, ok = p.object(v, ptr, append([]string{"type"}, keys...)...); !ok {
			return nil
		}
	default:
		p.add("invalid_type", ptr, "format must be a string or an object")
		return nil
	}
	f := &format{kind: Kind(typ), precision: -1}
	if n, ok := p.integer(o, "precision", ptr, 0, 10); ok {
		f.precision = n
	}
	f.compact = p.boolean(o, "compact", ptr)
	switch typ {
	case "currency":
		f.minorUnits = p.boolean(o, "minor_units", ptr)
		b := p.binding(o, "currency", ptr, true, variables.Text, inRepeat)
		switch {
		case b == nil:
		case b.tmpl != nil:
			f.currencyArg = b
		default:
			c, ok := currencyOf(b.src)
			if !ok {
				p.add("invalid_currency", ptr+"/currency", "not an ISO 4217 currency code: "+quoteShort(b.src))
			}
			f.cur = c
		}
	case "percent":
		f.ratio = true
		if s, ok := p.str(o, "scale", ptr, false); ok {
			switch s {
			case "ratio":
			case "percent":
				f.ratio = false
			default:
				p.add("invalid_value", ptr+"/scale", "scale must be ratio or percent")
			}
		}
	case "date", "datetime", "relative":
		if typ == "relative" {
			p.usesNow = true
		}
		if s, ok := p.str(o, "unit", ptr, false); ok {
			if s != "s" && s != "ms" {
				p.add("invalid_value", ptr+"/unit", "unit must be s or ms")
			}
			f.unit = s
		}
	case "duration":
		if s, ok := p.str(o, "unit", ptr, false); ok {
			if durationUnit(s) == 0 {
				p.add("invalid_value", ptr+"/unit", "unit must be ms, s, m, h or d")
			}
			f.unit = s
		}
	case "boolean":
		f.trueLabel, f.falseLabel = "Yes", "No"
		if s, ok := p.str(o, "true", ptr, false); ok {
			f.trueLabel = s
		}
		if s, ok := p.str(o, "false", ptr, false); ok {
			f.falseLabel = s
		}
	case "badge":
		p.tones(o, ptr, f)
	case "link":
		f.label = p.binding(o, "label", ptr, false, variables.Text, inRepeat)
	}
	return f
}

func toneOf(s string) (Tone, bool) {
	switch Tone(s) {
	case ToneSuccess, ToneWarning, ToneDanger, ToneInfo, ToneNeutral:
		return Tone(s), true
	}
	return "", false
}

// tones reads the tones map and default_tone of a badge.
func (p *parser) tones(o obj, ptr string, f *format) {
	if v, ok := o.get("tones"); ok {
		if !v.IsObject() {
			p.add("invalid_type", ptr+"/tones", "tones must be an object of value to tone")
		} else {
			f.tones = map[string]Tone{}
			v.ForEach(func(k, t gjson.Result) bool {
				tone, ok := toneOf(t.String())
				if t.Type != gjson.String || !ok {
					p.add("invalid_tone", ptr+"/tones/"+variables.PointerToken(k.String()), "tone must be success, warning, danger, info or neutral")
					return true
				}
				if _, dup := f.tones[k.String()]; !dup {
					f.toneKeys = append(f.toneKeys, k.String())
				}
				f.tones[k.String()] = tone
				return true
			})
			slices.Sort(f.toneKeys)
		}
	}
	if s, ok := p.str(o, "default_tone", ptr, false); ok {
		tone, ok := toneOf(s)
		if !ok {
			p.add("invalid_tone", ptr+"/default_tone", "tone must be success, warning, danger, info or neutral")
		}
		f.defaultTone = tone
	}
}

func (p *parser) cond(v gjson.Result, ptr string, depth int, inRepeat bool) *cond {
	if !p.count(ptr) {
		return nil
	}
	if depth >= maxCondDepth {
		p.add("too_deep", ptr, "conditions nested more than "+strconv.Itoa(maxCondDepth)+" levels")
		return nil
	}
	if !v.IsObject() {
		p.add("invalid_type", ptr, "a condition must be an object, got "+typeName(v))
		return nil
	}
	switch {
	case v.Get("all").Exists() || v.Get("any").Exists():
		key := "all"
		op := opAll
		if !v.Get("all").Exists() {
			key, op = "any", opAny
		}
		o, ok := p.object(v, ptr, key)
		if !ok {
			return nil
		}
		list, _ := o.get(key)
		if !list.IsArray() || len(list.Array()) == 0 {
			p.add("invalid_type", ptr+"/"+key, key+" must be a non-empty array of conditions")
			return nil
		}
		c := &cond{op: op}
		i := 0
		list.ForEach(func(_, sv gjson.Result) bool {
			if sc := p.cond(sv, ptr+"/"+key+"/"+strconv.Itoa(i), depth+1, inRepeat); sc != nil {
				c.subs = append(c.subs, sc)
			}
			i++
			return true
		})
		return c
	case v.Get("not").Exists():
		o, ok := p.object(v, ptr, "not")
		if !ok {
			return nil
		}
		n, _ := o.get("not")
		sc := p.cond(n, ptr+"/not", depth+1, inRepeat)
		if sc == nil {
			return nil
		}
		return &cond{op: opNot, subs: []*cond{sc}}
	}
	o, ok := p.object(v, ptr, "path", "op", "value")
	if !ok {
		return nil
	}
	c := &cond{}
	pa, okPath := p.pathAt(o, "path", ptr, inRepeat)
	c.path = pa
	opName, okOp := p.str(o, "op", ptr, true)
	if !okOp {
		return nil
	}
	op, known := condOpOf(opName)
	if !known {
		p.add("unknown_op", ptr+"/op", "unknown op "+quoteShort(opName)+" (want exists, empty, truthy, eq, ne, gt, gte, lt, lte, in, contains, starts_with, ends_with or matches)")
		return nil
	}
	c.op = op
	val, hasVal := o.get("value")
	switch {
	case op.needsValue() && !hasVal:
		p.add("missing_field", ptr+"/value", "op "+opName+" needs a value")
		return nil
	case !op.needsValue() && hasVal:
		p.add("unexpected_field", ptr+"/value", "op "+opName+" takes no value")
		return nil
	}
	c.val = val
	switch op {
	case opIn:
		if !val.IsArray() {
			p.add("invalid_type", ptr+"/value", "in needs an array of values")
			return nil
		}
		c.vals = val.Array()
		if len(c.vals) > maxInOperands {
			p.add("too_many", ptr+"/value", "in takes at most "+strconv.Itoa(maxInOperands)+" values")
			return nil
		}
	case opGt, opGte, opLt, opLte:
		if val.Type != gjson.Number && val.Type != gjson.String {
			p.add("invalid_type", ptr+"/value", opName+" needs a number or a string")
			return nil
		}
	case opStartsWith, opEndsWith, opMatches:
		if val.Type != gjson.String {
			p.add("invalid_type", ptr+"/value", opName+" needs a string")
			return nil
		}
		if op == opMatches {
			if len(val.Str) > maxRegexpLen {
				p.add("too_long", ptr+"/value", "regular expression longer than "+strconv.Itoa(maxRegexpLen)+" bytes")
				return nil
			}
			re, err := regexp.Compile(val.Str)
			if err != nil {
				p.add("invalid_regexp", ptr+"/value", err.Error())
				return nil
			}
			c.re = re
		}
	}
	if !okPath {
		return nil
	}
	return c
}

// maxRowKeys bounds the keys a table reads in one pass per row.
const maxRowKeys = 64

// assignRowKeys gives each column whose value is exactly one plain
// top-level key a slot, so that rendering reads all of them with one
// pass over each row instead of one gjson lookup per column.
func (s *section) assignRowKeys() {
	for _, c := range s.columns {
		if c.value == nil || !c.value.single || c.value.path.base != baseScope || !isPlainKey(c.value.path.gj) {
			continue
		}
		c.slot = slices.Index(s.rowKeys, c.value.path.gj)
		if c.slot < 0 && len(s.rowKeys) < maxRowKeys {
			c.slot = len(s.rowKeys)
			s.rowKeys = append(s.rowKeys, c.value.path.gj)
		}
	}
}

// isPlainKey reports whether gj is one object key with no gjson syntax.
func isPlainKey(gj string) bool {
	if gj == "" {
		return false
	}
	for i := 0; i < len(gj); i++ {
		if isPathSpecial(gj[i]) {
			return false
		}
	}
	return true
}

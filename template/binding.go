package template

import (
	"slices"
	"strings"

	"github.com/inboxkit/inboxkit/variables"
	"github.com/tidwall/gjson"
)

// maxBindingSource bounds the length of one string with bindings.
const maxBindingSource = 4096

// binding is a compiled template string: literal text, exactly one
// binding (single: the value keeps its JSON type), or a mix, expanded by
// the variables package.
type binding struct {
	src    string
	tmpl   *variables.Template // nil for plain literal text
	single bool
	path   path     // when single
	quiet  []string // names with a default filter: missing is not worth a diagnostic
}

// quietNames returns the names of t (compiled from src with opts) whose
// every placeholder has a default filter, so that a missing
// value is expected and not worth a diagnostic. It asks the variables
// package rather than scanning src: src compiled strict expands without
// error with name undefined (and every other name defined) exactly when
// no placeholder of name counts as missing.
func quietNames(src string, opts *variables.Options, t *variables.Template) []string {
	if !strings.Contains(src, "default") {
		return nil // no placeholder can have a default filter
	}
	strict := *opts
	strict.Strict = true
	st, err := variables.Compile(src, t.Target(), &strict)
	if err != nil {
		return nil
	}
	var out []string
	for _, name := range t.Names() {
		_, err := st.Expand(variables.ResolverFunc(func(n string) (string, bool) {
			if n == name {
				return "", false
			}
			return "x", true
		}))
		if err == nil {
			out = append(out, name)
		}
	}
	return out
}

// compileBinding compiles s with the variables parser, validating every
// name with the path allow-list. target is variables.Text for display
// text, variables.URL for URL templates.
func compileBinding(s string, target variables.Target, inRepeat bool, paths map[string]path) (*binding, error) {
	b := &binding{src: s}
	if !strings.Contains(s, "{{") {
		return b, nil
	}
	var perr error
	opts := &variables.Options{Validate: func(name string) error {
		_, err := compilePath(name, inRepeat)
		if err != nil && perr == nil {
			perr = err
		}
		return err
	}, Filters: displayFilters()}
	// A URL that is exactly one binding takes the whole URL from the data
	// (validated at render time), so it is compiled as text.
	t, err := variables.Compile(s, variables.Text, opts)
	if err == nil && target != variables.Text {
		if _, ok := t.Single(); !ok {
			t, err = variables.Compile(s, target, opts)
		}
	}
	if err != nil {
		if perr != nil {
			return nil, perr
		}
		return nil, err
	}
	b.tmpl = t
	b.quiet = quietNames(s, opts, t)
	for _, name := range t.Names() {
		if _, ok := paths[name]; ok {
			continue
		}
		p, err := compilePath(name, inRepeat)
		if err != nil {
			return nil, err
		}
		paths[name] = p
	}
	if name, ok := t.Single(); ok {
		b.single = true
		b.path = paths[name]
	}
	if len(t.Names()) == 0 {
		// Only escapes such as {{"{{"}}: expand once now.
		lit, err := t.Expand(variables.Map{})
		if err != nil {
			return nil, err
		}
		b.src, b.tmpl = lit, nil
	}
	return b, nil
}

// resolver looks names up as paths in the current scope for the
// variables package, recording misses as diagnostics.
type resolver struct {
	r     *renderer
	sc    *scope
	ptr   string
	quiet []string
}

// Lookup implements variables.Resolver.
func (x *resolver) Lookup(name string) (string, bool) {
	p, ok := x.r.t.paths[name]
	if !ok {
		return "", false
	}
	v := p.get(x.sc)
	if !v.Exists() {
		if !slices.Contains(x.quiet, name) {
			x.r.diag("missing_value", x.ptr, "no value at path ", name)
		}
		return "", false
	}
	s := plainString(v)
	// The value is copied into the expansion: {{$root}} in every row
	// would otherwise copy the whole response per row.
	if !x.sc.w.spend(len(s)) {
		return "", false
	}
	return s, true
}

// expand returns the text of b in sc, not yet sanitized.
func (r *renderer) expand(b *binding, sc *scope, ptr string) string {
	if b.tmpl == nil {
		return b.src
	}
	if b.single {
		v := b.path.get(sc)
		if !v.Exists() {
			r.diag("missing_value", ptr, "no value at path ", b.path.src)
			return ""
		}
		if !r.w.spend(len(v.Raw)) {
			return "" // sanitizing reads the whole value
		}
		return plainString(v)
	}
	r.res = resolver{r: r, sc: sc, ptr: ptr, quiet: b.quiet}
	buf := r.arena.begin(len(b.src) + 64)
	buf, err := b.tmpl.AppendExpand(buf, &r.res)
	if err != nil {
		r.diag("expand_failed", ptr, "could not expand: ", err.Error())
		return ""
	}
	return r.arena.end(buf)
}

// value returns the JSON value of b in sc: the bound value itself when
// b is exactly one binding, otherwise the expanded text as a string
// (raw is then false: the text has no raw JSON form).
func (r *renderer) value(b *binding, sc *scope, ptr string) (v gjson.Result, raw bool) {
	if b.single {
		v = b.path.get(sc)
		if !v.Exists() {
			r.diag("missing_value", ptr, "no value at path ", b.path.src)
		}
		return v, true
	}
	s := r.expand(b, sc, ptr)
	return gjson.Result{Type: gjson.String, Str: s}, false
}

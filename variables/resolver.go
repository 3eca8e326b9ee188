package variables

// A Resolver supplies the values of variables at expansion.
// A Resolver used by concurrent expansions must be safe for concurrent use.
type Resolver interface {
	// Lookup returns the value of name and whether it is defined.
	Lookup(name string) (value string, ok bool)
}

// Map is a Resolver backed by a map from variable names to values. A nil Map defines nothing.
type Map map[string]string

// Lookup returns m[name].
func (m Map) Lookup(name string) (string, bool) {
	v, ok := m[name]
	return v, ok
}

// ResolverFunc adapts a function to a Resolver.
type ResolverFunc func(name string) (string, bool)

// Lookup returns f(name).
func (f ResolverFunc) Lookup(name string) (string, bool) { return f(name) }

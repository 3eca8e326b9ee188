package inbox

// TEMPORARY until the variables package lands: a minimal {{ name }} expander
// with the same syntax subset. Replaced by variables.Compile.

import (
	"errors"
	"slices"
	"strings"
)

type activityTemplate struct {
	parts []string // alternating literal, name, literal, ...
}

func compileActivity(src string, names []string, _ bool) (*activityTemplate, error) {
	t := &activityTemplate{}
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			t.parts = append(t.parts, src)
			return t, nil
		}
		j := strings.Index(src[i:], "}}")
		if j < 0 {
			return nil, errors.New("unclosed {{")
		}
		name := strings.TrimSpace(src[i+2 : i+j])
		if !slices.Contains(names, name) {
			return nil, errors.New("unknown name " + name)
		}
		t.parts = append(t.parts, src[:i], name)
		src = src[i+j+2:]
	}
}

func (t *activityTemplate) expand(r interface{ Lookup(string) (string, bool) }) (string, error) {
	var b strings.Builder
	for i, p := range t.parts {
		if i%2 == 0 {
			b.WriteString(p)
			continue
		}
		v, _ := r.Lookup(p)
		b.WriteString(v)
	}
	return b.String(), nil
}

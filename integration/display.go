package integration

import (
	"bytes"
	"errors"

	"github.com/inboxkit/inboxkit/template"
)

// compileDisplay parses the display template. Its problems are reported under
// "/display/template" followed by the template's JSON pointer, e.g.
// /display/template/sections/1/items/0/value.
func compileDisplay(ps *problems, d Display) *template.Template {
	empty := len(bytes.TrimSpace(d.Template)) == 0 || string(bytes.TrimSpace(d.Template)) == "null"
	if empty {
		if d.Enabled {
			ps.add(displayPath, CodeRequired, "a display template is required when display is enabled")
		}
		return nil
	}
	t, err := template.Parse(d.Template)
	if err != nil {
		if pe, ok := errors.AsType[*template.ParseError](err); ok && len(pe.Problems) > 0 {
			for _, p := range pe.Problems {
				*ps = append(*ps, displayProblem(p))
			}
		} else {
			ps.add(displayPath, CodeInvalid, "%s", err.Error())
		}
		return nil
	}
	if !d.Enabled {
		// A stored but disabled template is validated (so it can be switched on later) but
		// not used.
		return nil
	}
	return t
}

// displayPath is the JSON pointer of the display template in the integration's encoding.
const displayPath = "/display/template"

// displayProblem returns a problem of the display template as a problem of the integration: its
// pointer into the template continues the pointer of the template in the integration.
func displayProblem(p template.Problem) Problem {
	p.Path = displayPath + p.Path
	return p
}

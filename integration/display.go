package integration

import (
	"bytes"
	"errors"

	"github.com/inboxkit/inboxkit/template"
)

// compileDisplay parses the display template. Its problems are reported under
// "display.template" followed by the template's JSON pointer, e.g.
// display.template/sections/1/items/0/value.
func compileDisplay(ps *problems, d Display) *template.Template {
	empty := len(bytes.TrimSpace(d.Template)) == 0 || string(bytes.TrimSpace(d.Template)) == "null"
	if empty {
		if d.Enabled {
			ps.add("display.template", CodeRequired, "a display template is required when display is enabled")
		}
		return nil
	}
	t, err := template.Parse(d.Template)
	if err != nil {
		if pe, ok := errors.AsType[*template.ParseError](err); ok && len(pe.Problems) > 0 {
			for _, p := range pe.Problems {
				ps.add("display.template"+p.Path, p.Code, "%s", p.Message)
			}
		} else {
			ps.add("display.template", CodeInvalid, "%s", err.Error())
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

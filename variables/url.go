package variables

import (
	"errors"
	"net/url"
	"slices"
	"strings"
)

// layoutURL decides each slot's escaping from its position in the URL and refuses placeholders
// that could change the scheme or the authority. It works on a skeleton of the template in which
// every placeholder is the single character 'x'.
func (t *Template) layoutURL(allowHost bool) error {
	var sb strings.Builder
	pos := make([]int, len(t.slots))
	for i, l := range t.lits {
		sb.WriteString(l)
		if i < len(t.slots) {
			pos[i] = sb.Len()
			sb.WriteByte('x')
		}
	}
	skel := sb.String()

	fragStart := len(skel)
	if i := strings.IndexByte(skel, '#'); i >= 0 {
		fragStart = i
	}
	qStart := fragStart
	if i := strings.IndexByte(skel[:fragStart], '?'); i >= 0 {
		qStart = i
	}
	pre := skel[:qStart]
	schemeEnd := 0
	for i := 0; i < len(pre); i++ {
		c := pre[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			continue
		}
		if i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			continue
		}
		if c == ':' && i > 0 {
			schemeEnd = i + 1
		}
		break
	}
	authEnd := schemeEnd // the authority is pre[schemeEnd+2:authEnd] when present
	if strings.HasPrefix(pre[schemeEnd:], "//") {
		authEnd = len(pre)
		if i := strings.IndexByte(pre[schemeEnd+2:], '/'); i >= 0 {
			authEnd = schemeEnd + 2 + i
		}
	}
	// In a relative URL without an authority, a value in the first segment could add a scheme.
	firstSegEnd := -1
	if schemeEnd == 0 && authEnd == 0 {
		firstSegEnd = len(pre)
		if i := strings.IndexByte(pre, '/'); i >= 0 {
			firstSegEnd = i
		}
	}

	isPH := func(p int) bool { return slices.Contains(pos, p) }
	var inHost []int        // skeleton positions of placeholders in the scheme or authority
	groups := map[int]int{} // segment start -> index in t.dots, or -1 when not a dot group
	for i := range t.slots {
		p := pos[i]
		s := &t.slots[i]
		switch {
		case p < authEnd || p < firstSegEnd:
			if !allowHost {
				where := "scheme or host"
				if p < firstSegEnd {
					where = "first segment of a relative URL"
				}
				return &SyntaxError{Offset: s.offset, Msg: "placeholder in the URL's " + where + "; expected it in the path, query or fragment (or Options.AllowHostPlaceholders)", Err: ErrPlacement}
			}
			s.esc = escQuery
			inHost = append(inHost, p)
		case p < qStart:
			s.esc = escPath
			segStart := authEnd
			if i := strings.LastIndexByte(skel[authEnd:p], '/'); i >= 0 {
				segStart = authEnd + i + 1
			}
			g, seen := groups[segStart]
			if !seen {
				segEnd := qStart
				if i := strings.IndexByte(skel[p:qStart], '/'); i >= 0 {
					segEnd = p + i
				}
				g = len(t.dots)
				dg := dotGroup{}
				for c := segStart; c < segEnd; c++ {
					if isPH(c) {
						continue
					}
					if skel[c] != '.' {
						g = -1
						break
					}
					dg.dots++
				}
				if g >= 0 {
					t.dots = append(t.dots, dg)
				}
				groups[segStart] = g
			}
			if g >= 0 {
				t.dots[g].slots = append(t.dots[g].slots, i)
			}
		case p < fragStart:
			s.esc = escQuery
		default:
			s.esc = escPath
		}
	}
	// Without an authority, a first path segment made only of placeholders must not expand
	// empty: "/{{a}}/b" would become "//b", whose "b" is a host.
	if authEnd == schemeEnd && strings.HasPrefix(pre[schemeEnd:], "/") {
		segStart := schemeEnd + 1
		if i := strings.IndexByte(pre[segStart:], '/'); i > 0 {
			var group []int
			for c := segStart; c < segStart+i; c++ {
				k := slices.Index(pos, c)
				if k < 0 {
					group = nil
					break
				}
				group = append(group, k)
			}
			t.nonEmpty = group
		}
	}
	// The template must parse as a URL. In the authority the dummy is '0' so that a placeholder
	// may stand for a port.
	check := []byte(skel)
	for _, p := range inHost {
		if p >= schemeEnd {
			check[p] = '0'
		}
	}
	if _, err := url.Parse(string(check)); err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return &SyntaxError{Offset: 0, Msg: "expected a valid URL: " + err.Error()}
	}
	return nil
}

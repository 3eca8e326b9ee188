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

	var inHost []int // skeleton positions of placeholders in the scheme or authority
	segEnd := -1     // end of the path segment of the last path placeholder
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
			if p < segEnd {
				g := &t.segs[len(t.segs)-1]
				g.lits = append(g.lits, decodeSegment(skel[pos[g.slots[len(g.slots)-1]]+1:p]))
				g.slots = append(g.slots, i)
				continue
			}
			// A new segment: the scans below cover disjoint parts of the skeleton, so the
			// layout stays linear in the template's length.
			segStart := authEnd
			if j := strings.LastIndexByte(skel[authEnd:p], '/'); j >= 0 {
				segStart = authEnd + j + 1
			}
			segEnd = qStart
			if j := strings.IndexByte(skel[p:qStart], '/'); j >= 0 {
				segEnd = p + j
			}
			t.segs = append(t.segs, segCheck{lits: []string{decodeSegment(skel[segStart:p])}, slots: []int{i}, end: segEnd})
		case p < fragStart:
			s.esc = escQuery
		default:
			s.esc = escPath
		}
	}
	var inSegNames map[string]bool // dedupes segNames in linear time
	for k := range t.segs {
		g := &t.segs[k]
		g.lits = append(g.lits, decodeSegment(skel[pos[g.slots[len(g.slots)-1]]+1:g.end]))
		g.litDots = slices.ContainsFunc(g.lits, func(l string) bool { return strings.Contains(l, ".") })
		if s := &t.slots[g.slots[0]]; len(g.slots) == 1 && g.lits[0] == "" && g.lits[1] == "" &&
			!s.hasDefault && !inSegNames[s.name] {
			if inSegNames == nil {
				inSegNames = map[string]bool{}
			}
			inSegNames[s.name] = true
			t.segNames = append(t.segNames, s.name)
		}
	}
	// Without an authority, a first path segment made only of placeholders must not expand
	// empty: "/{{a}}/b" would become "//b", whose "b" is a host.
	if authEnd == schemeEnd && strings.HasPrefix(pre[schemeEnd:], "/") {
		segStart := schemeEnd + 1
		if n := strings.IndexByte(pre[segStart:], '/'); n > 0 {
			// The positions are sorted and distinct: n placeholders in n bytes fill the segment.
			first, _ := slices.BinarySearch(pos, segStart)
			last, _ := slices.BinarySearch(pos, segStart+n)
			if last-first == n {
				for k := first; k < last; k++ {
					t.nonEmpty = append(t.nonEmpty, k)
				}
			}
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

// segCheck is a URL path segment that holds placeholders. Once the values are in, no piece of
// the segment may read as "." or "..", where pieces are what a server may see after decoding:
// the segment split at '/' and '\' (which a value contributes only percent-encoded, but which
// some servers and proxies decode before they resolve dot segments), each piece ending at its
// first ';' (a path parameter, which Tomcat strips before resolving).
type segCheck struct {
	lits    []string // len(slots)+1 literal pieces of the segment around the slots, see decodeSegment
	slots   []int
	litDots bool // some literal piece has a '.'
	end     int  // skeleton offset of the segment's end (layout only)
}

// decodeSegment returns the literal text lit of a path segment with the escapes that matter to
// dot segments decoded: %2e as '.', %2f and %5c as '/'.
func decodeSegment(lit string) string {
	if !strings.Contains(lit, "%") {
		return lit
	}
	b := make([]byte, 0, len(lit))
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		if c == '%' && i+2 < len(lit) {
			switch strings.ToLower(lit[i+1 : i+3]) {
			case "2e":
				c = '.'
			case "2f", "5c":
				c = '/'
			}
			if c != '%' {
				i += 2
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// check reports an ErrDotSegment error when the values vals make a piece of segment g "." or
// "..". Only pieces that a placeholder touches count: a dot piece that the template writes
// with separators of its own is the template's.
func (g *segCheck) check(vals []string, slots []slot) error {
	if !g.litDots && !anyDot(g.slots, vals) {
		return nil // the common case: no dot at all
	}
	var p piece
	for k, i := range g.slots {
		if p.scan(g.lits[k], false) || p.scan(vals[i], true) {
			return &ValueError{Name: slots[i].name, Err: ErrDotSegment}
		}
	}
	if p.scan(g.lits[len(g.slots)], false) || p.end() {
		return &ValueError{Name: slots[g.slots[len(g.slots)-1]].name, Err: ErrDotSegment}
	}
	return nil
}

// anyDot reports whether the value of one of the given slots has a '.'.
func anyDot(slots []int, vals []string) bool {
	for _, i := range slots {
		if strings.IndexByte(vals[i], '.') >= 0 {
			return true
		}
	}
	return false
}

// piece follows the current piece of a path segment during segCheck.check.
type piece struct {
	dots    int  // the number of dots in the piece's name
	other   bool // the name has a byte other than '.'
	param   bool // after ';': the rest of the piece is a path parameter
	touched bool // a placeholder stands in the piece or starts or ends it
}

// scan feeds s, a value when value is set, and reports whether a piece that ended in s was a
// dot piece touched by a placeholder.
func (p *piece) scan(s string, value bool) bool {
	if value {
		p.touched = true
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '/' || c == '\\':
			if p.end() {
				return true
			}
			p.touched = value
		case p.param:
		case c == ';':
			p.param = true
		case c == '.':
			p.dots++
		default:
			p.other = true
		}
	}
	return false
}

// end closes the current piece and reports whether it was a dot piece touched by a placeholder.
func (p *piece) end() bool {
	dot := p.touched && !p.other && (p.dots == 1 || p.dots == 2)
	*p = piece{}
	return dot
}

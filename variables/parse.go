package variables

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// node is one piece of a parsed template: literal text, or a placeholder when isPH is set.
type node struct {
	lit     string
	isPH    bool
	name    string
	offset  int // offset of the opening "{{"
	nameOff int
	end     int // offset just after the closing "}}"
	filters []filterRef
}

// filterRef is one filter as written in a placeholder.
type filterRef struct {
	name   string
	arg    string
	hasArg bool
	offset int
	argOff int
}

// parse splits src into literal and placeholder nodes. Adjacent literal text (including the
// quoted-string form {{"{{"}}) is merged into one literal node. parse never panics.
func parse(src string) ([]node, error) {
	var nodes []node
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			nodes = append(nodes, node{lit: cur.String()})
			cur.Reset()
		}
	}
	i := 0
	for i <= len(src) {
		j := strings.Index(src[i:], "{{")
		if j < 0 {
			cur.WriteString(src[i:])
			break
		}
		cur.WriteString(src[i : i+j])
		start := i + j
		p := skipSpace(src, start+2)
		if p >= len(src) {
			return nil, &SyntaxError{Offset: p, Msg: `expected a variable name or a quoted string after "{{"`}
		}
		if src[p] == '"' {
			s, q, err := readQuoted(src, p)
			if err != nil {
				return nil, err
			}
			p = skipSpace(src, q)
			if !strings.HasPrefix(src[p:], "}}") {
				return nil, &SyntaxError{Offset: p, Msg: `expected "}}" after the quoted string`}
			}
			cur.WriteString(s)
			i = p + 2
			continue
		}
		q := scanName(src, p)
		if q == p {
			return nil, &SyntaxError{Offset: p, Msg: `expected a variable name after "{{"`}
		}
		ph := node{isPH: true, name: src[p:q], offset: start, nameOff: p}
		p = skipSpace(src, q)
		for {
			if strings.HasPrefix(src[p:], "}}") {
				p += 2
				break
			}
			if p >= len(src) {
				return nil, &SyntaxError{Offset: p, Msg: `expected "|" or "}}" to close the placeholder opened at offset ` + strconv.Itoa(start)}
			}
			if src[p] != '|' {
				return nil, &SyntaxError{Offset: p, Msg: `expected "|" or "}}"`}
			}
			p = skipSpace(src, p+1)
			fq := p
			for fq < len(src) && isFilterByte(src[fq]) {
				fq++
			}
			if fq == p {
				return nil, &SyntaxError{Offset: p, Msg: `expected a filter name after "|"`}
			}
			f := filterRef{name: src[p:fq], offset: p}
			p = fq
			if p < len(src) && src[p] == ':' {
				p++
				f.hasArg = true
				f.argOff = p
				if p < len(src) && src[p] == '"' {
					s, q, err := readQuoted(src, p)
					if err != nil {
						return nil, err
					}
					f.arg = s
					p = q
				} else {
					aq := scanName(src, p)
					if aq == p {
						return nil, &SyntaxError{Offset: p, Msg: `expected a filter argument after ":"`}
					}
					f.arg = src[p:aq]
					p = aq
				}
			}
			ph.filters = append(ph.filters, f)
			p = skipSpace(src, p)
		}
		ph.end = p
		flush()
		nodes = append(nodes, ph)
		i = p
	}
	flush()
	return nodes, nil
}

// skipSpace returns the offset of the first non-space character at or after p.
func skipSpace(src string, p int) int {
	for p < len(src) {
		r, size := utf8.DecodeRuneInString(src[p:])
		if !unicode.IsSpace(r) {
			break
		}
		p += size
	}
	return p
}

// scanName returns the end of the run of name characters starting at p: anything but white
// space, '{', '}', '|' and '"'.
func scanName(src string, p int) int {
	for p < len(src) {
		c := src[p]
		if c == '{' || c == '}' || c == '|' || c == '"' {
			break
		}
		if c < utf8.RuneSelf {
			if unicode.IsSpace(rune(c)) {
				break
			}
			p++
			continue
		}
		r, size := utf8.DecodeRuneInString(src[p:])
		if unicode.IsSpace(r) {
			break
		}
		p += size
	}
	return p
}

func isFilterByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// readQuoted reads the double-quoted string starting at src[p] == '"'. It understands the
// escapes \" \\ \n \t and \r, and returns the string and the offset after the closing quote.
func readQuoted(src string, p int) (string, int, error) {
	var b strings.Builder
	for q := p + 1; q < len(src); q++ {
		c := src[q]
		switch c {
		case '"':
			return b.String(), q + 1, nil
		case '\\':
			if q+1 >= len(src) {
				return "", 0, &SyntaxError{Offset: p, Msg: `expected a closing '"' for the string opened here`}
			}
			q++
			switch src[q] {
			case '"', '\\':
				b.WriteByte(src[q])
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				return "", 0, &SyntaxError{Offset: q - 1, Msg: `expected one of the escapes \" \\ \n \t \r`}
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, &SyntaxError{Offset: p, Msg: `expected a closing '"' for the string opened here`}
}

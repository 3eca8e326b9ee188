package template

import (
	"unicode/utf8"
	"unsafe"
)

// arena hands out strings built in large shared chunks, so that a render
// allocates per chunk rather than per formatted value. It pays in
// BenchmarkRenderFixture: 28 allocs/op, against 430 when end copies with
// string(b) (time within noise on a shared machine); allocations are what
// PERFORMANCE.md's P3 and P11 budgets count.
//
// Only one string may be under construction at a time: nothing may call
// begin, str or clean between a begin and its end.
//
// Invariant: bytes of a chunk below len(a.buf) are never written again,
// so strings made from them stay immutable. begin returns the spare
// capacity of the current chunk; whatever the caller appends there
// becomes a string in end. If the caller outgrew the spare capacity,
// append moved its bytes to a fresh array that only the caller holds,
// and end takes ownership of that array instead.
type arena struct {
	buf []byte
	// first is the size of the first chunk when not zero: Render sizes
	// it from the data, as a small response needs far less than a chunk
	// (BenchmarkRenderPresets: a 16 KiB chunk for a 300-byte response
	// was most of the bytes a render allocated, and zeroing it a few
	// percent of its time).
	first int
}

// arenaChunk is the size of an arena's chunks; the first chunk of a
// render has between minFirstChunk and arenaChunk bytes, as many as the
// data.
const (
	arenaChunk    = 16 << 10
	minFirstChunk = 1 << 10
)

// begin returns an empty slice to append a new string to; at least min
// bytes fit without growing.
func (a *arena) begin(min int) []byte {
	if cap(a.buf)-len(a.buf) < min || cap(a.buf)-len(a.buf) < 64 {
		n := arenaChunk
		if a.buf == nil && a.first > 0 {
			n = a.first
		}
		if min > n/4 {
			n = min * 2
		}
		a.buf = make([]byte, 0, n)
	}
	return a.buf[len(a.buf):len(a.buf)]
}

// end turns b, obtained from begin and appended to, into a string.
func (a *arena) end(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	spare := a.buf[len(a.buf):cap(a.buf)]
	if len(spare) > 0 && unsafe.SliceData(b) == unsafe.SliceData(spare) {
		a.buf = a.buf[:len(a.buf)+len(b)]
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// str copies parts into the arena as one string.
func (a *arena) str(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := a.begin(n)
	for _, p := range parts {
		b = append(b, p...)
	}
	return a.end(b)
}

// isStripped reports whether r is removed from display text: C0 and C1
// controls (except newline and tab, which text sections keep), DEL,
// bidirectional embedding, override and isolate controls, the Arabic
// letter mark, directional marks, line/paragraph separators, the byte
// order mark and U+FFFE/U+FFFF; and the invisible characters that can
// hide or disguise text: the zero-width space U+200B, the word joiner
// and invisible operators U+2060-U+2064, the deprecated format controls
// U+206A-U+206F, the Mongolian vowel separator U+180E, the interlinear
// annotation controls U+FFF9-U+FFFB and the tag characters
// U+E0000-U+E007F (invisible ASCII look-alikes used to smuggle text; a
// subdivision flag such as England's degrades to a plain black flag).
// The zero-width non-joiner and joiner U+200C/U+200D stay: scripts such
// as Persian and Devanagari and emoji sequences need them.
func isStripped(r rune, keepNewlines bool) bool {
	switch {
	case r == '\n' || r == '\t':
		return !keepNewlines
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r < 0x61c:
		return false
	case r == 0x061c, r == 0x180e, r == 0x200b, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e,
		r >= 0x2060 && r <= 0x2064, r >= 0x2066 && r <= 0x206f, r == 0x2028, r == 0x2029, r == 0xfeff,
		r >= 0xfff9 && r <= 0xfffb, r == 0xfffe, r == 0xffff, r >= 0xe0000 && r <= 0xe007f:
		return true
	}
	return false
}

// needsClean reports whether s contains anything clean would change,
// other than its length.
func needsClean(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			if keepNewlines && (c == '\n' || c == '\t') {
				continue
			}
			return true
		}
		if c >= 0x80 {
			return needsCleanUnicode(s[i:], keepNewlines)
		}
	}
	return false
}

func needsCleanUnicode(s string, keepNewlines bool) bool {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && n <= 1 {
			return true
		}
		if isStripped(r, keepNewlines) {
			return true
		}
		s = s[n:]
	}
	return false
}

// clean returns s without stripped characters, with invalid UTF-8
// replaced by U+FFFD, and cut to at most max bytes (at a character
// boundary, with "…" appended). truncated reports whether it was cut.
// Outside text sections, newlines and tabs become spaces.
func (a *arena) clean(s string, max int, keepNewlines bool) (out string, truncated bool) {
	// Only the first max bytes can be kept when none of them is
	// stripped: check no further (a long value costs O(max), not O(len)).
	if !needsClean(s[:min(len(s), max+utf8.UTFMax)], keepNewlines) {
		if len(s) <= max {
			return s, false
		}
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return a.str(s[:cut], "…"), true
	}
	b := a.begin(min(len(s), max) + 3)
	for _, r := range s { // range yields utf8.RuneError for each invalid byte
		if isStripped(r, keepNewlines) {
			if r == '\n' || r == '\t' || r == '\r' {
				if len(b) > 0 && b[len(b)-1] != ' ' {
					b = append(b, ' ')
				}
			}
			continue
		}
		if len(b)+utf8.RuneLen(r) > max {
			b = append(b, "…"...)
			return a.end(b), true
		}
		b = utf8.AppendRune(b, r)
	}
	return a.end(b), false
}

package template

import "strings"

// num is an exact decimal number parsed from its text: the value is
// 0.d × 10^pt, with d holding significant digits without leading or
// trailing zeros (empty for zero). Money and numbers are formatted from
// it, never from a float64, so 12345678901234567.89 stays exact.
type num struct {
	neg bool
	d   []byte
	pt  int
}

// Bounds on the numbers formatted exactly; beyond them the raw text is shown.
const (
	maxNumDigits   = 1000
	maxNumExponent = 1000
)

// parseNum parses a JSON number (or the same syntax in a string, with
// optional leading zeros and a leading '+') into n, using buf as storage.
func parseNum(s string, buf []byte) (num, bool) {
	if len(s) > 2*maxNumDigits+2*maxNumExponent {
		// Beyond the bounds whatever its zeros: never scan or copy it.
		return num{}, false
	}
	var n num
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		n.neg = s[i] == '-'
		i++
	}
	d := buf[:0]
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if len(d) > 0 || s[i] != '0' {
			d = append(d, s[i])
		}
		i++
	}
	sawDigit := i > start
	pt := len(d) // significant digits before the point
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if len(d) == 0 && s[i] == '0' {
				pt--
			} else {
				d = append(d, s[i])
			}
			i++
		}
		if i == fs && !sawDigit {
			return num{}, false // "." alone; "5." is 5, as in JavaScript
		}
		sawDigit = true
	}
	if !sawDigit || len(d) > maxNumDigits {
		return num{}, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		es := i
		e := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if e <= maxNumExponent*10 {
				e = e*10 + int(s[i]-'0')
			}
			i++
		}
		if i == es {
			return num{}, false
		}
		if eneg {
			e = -e
		}
		pt += e
	}
	if i != len(s) {
		return num{}, false
	}
	for len(d) > 0 && d[len(d)-1] == '0' {
		d = d[:len(d)-1]
	}
	if len(d) == 0 {
		return num{}, true
	}
	if pt > maxNumExponent || pt < -maxNumExponent {
		return num{}, false
	}
	n.d, n.pt = d, pt
	return n, true
}

// isZero reports whether n is zero.
func (n num) isZero() bool { return len(n.d) == 0 }

// shift multiplies n by 10^k.
func (n num) shift(k int) num {
	if len(n.d) > 0 {
		n.pt += k
	}
	return n
}

// round returns n rounded half away from zero (ICU's "halfExpand") to
// prec fraction digits. It never modifies n: when rounding up changes a
// digit, the result's digits are written to buf, which must not share
// memory with n.d. (Rounding n's digits in place once let a second
// rounding see the carried digits: -0.949 became -$0.96.)
func (n num) round(prec int, buf []byte) num {
	keep := n.pt + prec // significant digits kept
	switch {
	case keep >= len(n.d):
		return n
	case keep < 0, keep == 0 && n.d[0] < '5':
		return num{neg: n.neg}
	case n.d[keep] < '5':
		d := n.d[:keep]
		for len(d) > 0 && d[len(d)-1] == '0' {
			d = d[:len(d)-1]
		}
		if len(d) == 0 {
			return num{neg: n.neg}
		}
		return num{neg: n.neg, d: d, pt: n.pt}
	}
	d := append(buf[:0], n.d[:keep]...)
	i := len(d) - 1
	for i >= 0 && d[i] == '9' {
		i--
	}
	if i < 0 {
		// All nines (or nothing kept): the result is 10^pt.
		return num{neg: n.neg, d: append(d[:0], '1'), pt: n.pt + 1}
	}
	d[i]++
	return num{neg: n.neg, d: d[:i+1], pt: n.pt}
}

// intLen is the number of digits before the decimal point (at least 1).
func (n num) intLen() int {
	if n.pt <= 0 || len(n.d) == 0 {
		return 1
	}
	return n.pt
}

// cmp compares a and b.
func cmpNum(a, b num) int {
	sa, sb := sign(a), sign(b)
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	if sa == 0 {
		return 0
	}
	c := cmpAbs(a, b)
	if sa < 0 {
		return -c
	}
	return c
}

func sign(n num) int {
	switch {
	case len(n.d) == 0:
		return 0
	case n.neg:
		return -1
	}
	return 1
}

func cmpAbs(a, b num) int {
	if a.pt != b.pt {
		if a.pt < b.pt {
			return -1
		}
		return 1
	}
	for i := 0; i < max(len(a.d), len(b.d)); i++ {
		var x, y byte = '0', '0'
		if i < len(a.d) {
			x = a.d[i]
		}
		if i < len(b.d) {
			y = b.d[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// appendNum appends n with at least minFrac and at most maxFrac fraction
// digits (rounding half away from zero), with ',' thousands separators.
// A minus sign is written only when the rounded value is not zero.
func appendNum(b []byte, n num, minFrac, maxFrac int) []byte {
	return appendDecimal(b, n, minFrac, maxFrac, 4)
}

// appendDecimal is appendNum with separators only in integer parts of at
// least minGrouping digits: 4 normally, 5 in compact notation, where ICU
// (CLDR's minimumGroupingDigits) writes 1000T but 10,000T.
func appendDecimal(b []byte, n num, minFrac, maxFrac, minGrouping int) []byte {
	var buf [64]byte
	n = n.round(maxFrac, buf[:0])
	if n.neg && len(n.d) > 0 {
		b = append(b, '-')
	}
	il := n.intLen()
	for i := 0; i < il; i++ {
		if i > 0 && (il-i)%3 == 0 && il >= minGrouping {
			b = append(b, ',')
		}
		b = append(b, n.at(n.pt-il+i))
	}
	nf := max(len(n.d)-n.pt, minFrac)
	if nf > 0 {
		b = append(b, '.')
		for j := 0; j < nf; j++ {
			b = append(b, n.at(n.pt+j))
		}
	}
	return b
}

// at returns the digit of weight 10^(pt-1-k), '0' outside d.
func (n num) at(k int) byte {
	if k < 0 || k >= len(n.d) {
		return '0'
	}
	return n.d[k]
}

// appendFixed appends prefix and the plain decimal s ("1234.5", "-0.99")
// with exactly frac fraction digits and ',' thousands separators, when
// that needs no rounding: s is an optional '-', an integer part without
// leading zeros and at most frac fraction digits, and is not zero. For
// anything else (exponents, '+', leading zeros, zero, more digits) it
// returns false and the caller takes the general path (parseNum, round,
// appendDecimal), whose output it equals (FuzzAppendFixed). Skipping the
// general path for ordinary amounts saves ~4% of BenchmarkRenderFixture.
func appendFixed(b []byte, s, prefix string, frac int) ([]byte, bool) {
	i := 0
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		i++
	}
	is := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	ie := i
	if ie == is || ie-is > 30 || (s[is] == '0' && ie-is > 1) {
		return b, false
	}
	fs := ie
	if i < len(s) && s[i] == '.' {
		i++
		fs = i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == fs || i-fs > frac {
			return b, false
		}
	}
	if i != len(s) {
		return b, false
	}
	fracDigits := s[fs:i]
	if s[is] == '0' && strings.Trim(fracDigits, "0") == "" {
		return b, false // zero: the general path decides its sign
	}
	if neg {
		b = append(b, '-')
	}
	b = append(b, prefix...)
	il := ie - is
	for j := is; j < ie; j++ {
		if j > is && (ie-j)%3 == 0 && il >= 4 {
			b = append(b, ',')
		}
		b = append(b, s[j])
	}
	if frac > 0 {
		b = append(b, '.')
		b = append(b, fracDigits...)
		for range frac - len(fracDigits) {
			b = append(b, '0')
		}
	}
	return b, true
}

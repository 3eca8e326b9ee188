package template

// checkDepth reports ErrTooDeep when the JSON in b nests objects and
// arrays more than max levels, and ErrInvalidJSON when its brackets do
// not balance. It runs iteratively, so it is safe on any input; gjson,
// which recurses, reads the bytes only after this check.
func checkDepth(b []byte, max int) error {
	depth := 0
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				return ErrTooDeep
			}
		case '}', ']':
			depth--
			if depth < 0 {
				return ErrInvalidJSON
			}
		}
	}
	if depth != 0 || inString {
		return ErrInvalidJSON
	}
	return nil
}

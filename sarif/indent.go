package sarif

import "bytes"

// appendIndented appends src, compact JSON as json.Marshal writes it, to
// dst indented the way json.Indent indents it with no prefix and indent
// "  ". It spends the time of one copy: json.Indent runs its validating
// scanner over every byte, which was most of the time of writing a log.
// Marshal's output is valid and has no white space outside strings, so
// the only bytes that matter are the punctuation outside strings.
func appendIndented(dst, src []byte) []byte {
	depth := 0
	for i := 0; i < len(src); {
		c := src[i]
		switch c {
		case '"':
			end := stringEnd(src, i)
			dst = append(dst, src[i:end]...)
			i = end
			continue
		case '{', '[':
			dst = append(dst, c)
			// An empty object or array stays {} or [].
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				dst = append(dst, src[i+1])
				i += 2
				continue
			}
			depth++
			dst = appendNewline(dst, depth)
		case '}', ']':
			depth--
			dst = appendNewline(dst, depth)
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = appendNewline(dst, depth)
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
		i++
	}
	return dst
}

// stringEnd returns the offset just past the JSON string that starts with
// the quote at src[start].
func stringEnd(src []byte, start int) int {
	for i := start + 1; ; {
		j := bytes.IndexByte(src[i:], '"')
		if j < 0 {
			return len(src)
		}
		i += j
		escaped := false
		for k := i - 1; k > start && src[k] == '\\'; k-- {
			escaped = !escaped
		}
		if !escaped {
			return i + 1
		}
		i++
	}
}

func appendNewline(dst []byte, depth int) []byte {
	dst = append(dst, '\n')
	for range depth {
		dst = append(dst, ' ', ' ')
	}
	return dst
}

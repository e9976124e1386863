package source

// OffsetMap maps every byte of a decoded string (a policy written as a
// JSON string, a URL-encoded policy) to the file offset it came from, so
// that positions found inside the string are positions in the file. It
// has one more entry than the string, for its end.
type OffsetMap []int

// Map returns the file offset of byte off of the decoded string.
func (m OffsetMap) Map(off int) int {
	return m[max(0, min(off, len(m)-1))]
}

// ConstantOffsets maps every byte of a decoded string of n bytes to off:
// for a string whose bytes cannot be told apart in the file.
func ConstantOffsets(n, off int) OffsetMap {
	m := make(OffsetMap, n+1)
	for i := range m {
		m[i] = off
	}
	return m
}

// alignWindow is how far ahead in the file a decoded byte is looked for:
// far enough to step over an escape such as \u00e9 or a closing quote
// and indentation, near enough never to jump to another line's text.
const alignWindow = 12

// AlignOffsets maps every byte of text, decoded from data[start:end], to
// the file offset it came from, by walking the decoded text and the
// file's text together: quotes, escapes, indentation and folded line
// breaks are stepped over. A decoded byte with no source byte of its own
// (the newline of a \n escape, the bytes of a \u escape) maps to where the
// walk stands.
//
// A byte that is not found leaves the walk where it stands, so the next
// look steps over the same white space again; a hostile string (a long
// run of spaces before many escapes) could make that quadratic. The
// looks share a budget of alignBudget bytes per byte of text and file;
// when it runs out, the bytes left map to where the walk stands. Real
// strings use a small part of it.
func AlignOffsets(text string, data []byte, start, end int) OffsetMap {
	offsets := make(OffsetMap, len(text)+1)
	p := start
	budget := alignBudget * (len(text) + end - start + 1)
	for i := 0; i < len(text); i++ {
		c := text[i]
		j, cost := findAhead(data, p, end, c)
		if budget -= cost; budget < 0 {
			for ; i < len(text); i++ {
				offsets[i] = p
			}
			break
		}
		if j >= 0 {
			p = j
			offsets[i] = p
			p++
			continue
		}
		offsets[i] = p
	}
	offsets[len(text)] = min(p, end)
	return offsets
}

// alignBudget is how many bytes of the file the walk may look at, on
// average, per byte of the string and of its text in the file.
const alignBudget = 64

// findAhead finds byte c at or after p: past any run of white space, then
// at most alignWindow other bytes. It also returns how many bytes it
// looked at.
func findAhead(data []byte, p, end int, c byte) (int, int) {
	other := 0
	for j := p; j < end; j++ {
		if data[j] == c {
			return j, j - p + 1
		}
		if !IsSpace(data[j]) {
			other++
			if other > alignWindow {
				return -1, j - p + 1
			}
		}
	}
	return -1, end - p
}

// IsSpace reports whether c is white space between tokens in JSON and
// YAML: space, tab or a line break.
func IsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

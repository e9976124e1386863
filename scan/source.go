package scan

import (
	"sort"
	"unicode/utf8"
)

// Source maps byte offsets of one file to lines and UTF-16 columns.
// Lines end at LF, CRLF or a lone CR; a leading byte-order mark takes no
// column.
type Source struct {
	Data       []byte
	lineStarts []int
}

// NewSource indexes the line starts of data.
func NewSource(data []byte) *Source {
	starts := make([]int, 1, 64)
	if hasBOM(data) {
		starts[0] = len(bom)
	}
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	return &Source{Data: data, lineStarts: starts}
}

const bom = "\xef\xbb\xbf"

func hasBOM(data []byte) bool {
	return len(data) >= 3 && string(data[:3]) == bom
}

// Pos returns the position of byte offset off.
func (s *Source) Pos(off int) Pos {
	off = max(0, min(off, len(s.Data)))
	line := sort.Search(len(s.lineStarts), func(i int) bool { return s.lineStarts[i] > off }) - 1
	start := s.lineStarts[max(line, 0)]
	if off < start { // inside the byte-order mark
		off = start
	}
	return Pos{Line: line + 1, Col: 1 + utf16Len(s.Data[start:off])}
}

// Span returns the region from start to end (exclusive) byte offsets.
func (s *Source) Span(start, end int) Span {
	return Span{Start: s.Pos(start), End: s.Pos(end)}
}

// NodeSpan returns the region a node covers.
func (s *Source) NodeSpan(n *Node) Span {
	return s.Span(n.Start, n.End)
}

// LineCount returns the number of lines.
func (s *Source) LineCount() int { return len(s.lineStarts) }

// Offset returns the byte offset of a 1-based line and a column counted
// in characters (runes), as YAML reports it.
func (s *Source) Offset(line, runeCol int) int {
	if line < 1 {
		return 0
	}
	if line > len(s.lineStarts) {
		return len(s.Data)
	}
	off := s.lineStarts[line-1]
	for c := 1; c < runeCol && off < len(s.Data); c++ {
		_, w := utf8.DecodeRune(s.Data[off:])
		off += w
	}
	return off
}

// utf16Len counts UTF-16 code units; every byte of invalid UTF-8 counts as
// one replacement character.
func utf16Len(b []byte) int {
	n := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, w := utf8.DecodeRune(b[i:])
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		i += w
	}
	return n
}

// Package source maps byte offsets of a file to the positions every
// output reports: 1-based lines and columns counted in UTF-16 code units.
package source

import (
	"bytes"
	"encoding/binary"
	"sort"
	"unicode/utf8"
)

// Source maps byte offsets of one file to lines and UTF-16 columns.
// Lines end at LF, CRLF or a lone CR; a leading byte-order mark takes no
// column.
//
// A column is counted from the start of its line, so a file written on
// one long line (minified JSON) would cost a walk along the line for
// every position. Source avoids that: in a file of ASCII bytes a column
// is a byte count, and in any other file long lines carry a mark every
// markSpacing bytes that records the columns reached there.
type Source struct {
	Data       []byte
	lineStarts []int
	ascii      bool      // no byte >= 0x80: columns are byte counts
	marks      []colMark // for files that are not ASCII: along long lines, in offset order
}

// colMark is a rune boundary on a long line with the columns counted from
// the line's start to it.
type colMark struct {
	off   int // byte offset in the file
	col16 int // UTF-16 code units from the line start
	runes int // runes from the line start, as Offset counts them
}

// markSpacing is the distance between marks: a position costs at most a
// walk of this many bytes.
const markSpacing = 1024

// NewSource indexes the line starts of data.
func NewSource(data []byte) *Source {
	s := &Source{Data: data, lineStarts: lineStarts(data)}
	s.index()
	return s
}

// WithData returns a Source for data that has the same lines as s.Data
// (the YAML reader's copy with unreadable bytes blanked out).
func (s *Source) WithData(data []byte) *Source {
	if len(data) == len(s.Data) && (len(data) == 0 || &data[0] == &s.Data[0]) {
		return s // unchanged
	}
	t := &Source{Data: data, lineStarts: s.lineStarts}
	t.index()
	return t
}

func lineStarts(data []byte) []int {
	starts := make([]int, 1, 1+bytes.Count(data, []byte{'\n'}))
	if HasBOM(data) {
		starts[0] = len(BOM)
	}
	if bytes.IndexByte(data, '\r') < 0 {
		// Only LF ends lines: let IndexByte find them.
		for i := 0; ; {
			j := bytes.IndexByte(data[i:], '\n')
			if j < 0 {
				return starts
			}
			i += j + 1
			starts = append(starts, i)
		}
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
	return starts
}

// index decides whether columns are byte counts and, if not, marks the
// long lines.
func (s *Source) index() {
	s.ascii = isASCII(s.Data)
	if s.ascii {
		return
	}
	s.marks = nil
	for line, start := range s.lineStarts {
		end := len(s.Data)
		if line+1 < len(s.lineStarts) {
			end = s.lineStarts[line+1]
		}
		if end-start <= markSpacing {
			continue
		}
		col16, runes, next := 0, 0, start+markSpacing
		for i := start; i < end; {
			if i >= next {
				s.marks = append(s.marks, colMark{off: i, col16: col16, runes: runes})
				next = i + markSpacing
			}
			r, w := utf8.DecodeRune(s.Data[i:])
			col16 += utf16Units(r)
			runes++
			i += w
		}
	}
}

// isASCII reports whether no byte of data is 0x80 or above, eight bytes
// at a time.
func isASCII(data []byte) bool {
	var high uint64
	for ; len(data) >= 8; data = data[8:] {
		high |= binary.LittleEndian.Uint64(data)
	}
	for _, c := range data {
		high |= uint64(c)
	}
	return high&0x8080808080808080 == 0
}

// BOM is the UTF-8 byte-order mark.
const BOM = "\xef\xbb\xbf"

// HasBOM reports whether data starts with the UTF-8 byte-order mark.
func HasBOM(data []byte) bool {
	return len(data) >= 3 && string(data[:3]) == BOM
}

// lineOf returns the 0-based line that holds offset off.
func (s *Source) lineOf(off int) int {
	line := sort.Search(len(s.lineStarts), func(i int) bool { return s.lineStarts[i] > off }) - 1
	return max(line, 0)
}

// lineEndOffset returns the offset where 0-based line ends (the next line's start).
func (s *Source) lineEndOffset(line int) int {
	if line+1 < len(s.lineStarts) {
		return s.lineStarts[line+1]
	}
	return len(s.Data)
}

// markBefore returns the last mark in [start, end) whose value by key is
// at most limit, if any.
func (s *Source) markBefore(start, end int, key func(colMark) int, limit int) (colMark, bool) {
	lo := sort.Search(len(s.marks), func(i int) bool { return s.marks[i].off >= start })
	hi := sort.Search(len(s.marks), func(i int) bool { return s.marks[i].off >= end })
	i := lo + sort.Search(hi-lo, func(i int) bool { return key(s.marks[lo+i]) > limit }) - 1
	if i < lo {
		return colMark{}, false
	}
	return s.marks[i], true
}

// Pos returns the position of byte offset off.
func (s *Source) Pos(off int) Pos {
	off = max(0, min(off, len(s.Data)))
	line := s.lineOf(off)
	start := s.lineStarts[line]
	if off < start { // inside the byte-order mark
		off = start
	}
	if s.ascii {
		return Pos{Line: line + 1, Col: 1 + off - start}
	}
	col := 0
	if m, ok := s.markBefore(start, s.lineEndOffset(line), func(m colMark) int { return m.off }, off); ok {
		start, col = m.off, m.col16
	}
	return Pos{Line: line + 1, Col: 1 + col + utf16Len(s.Data[start:off])}
}

// Span returns the region from start to end (exclusive) byte offsets.
func (s *Source) Span(start, end int) Span {
	return Span{Start: s.Pos(start), End: s.Pos(end)}
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
	if runeCol <= 1 {
		return off
	}
	if s.ascii {
		return min(off+runeCol-1, len(s.Data))
	}
	c := 1
	if m, ok := s.markBefore(off, s.lineEndOffset(line-1), func(m colMark) int { return m.runes }, runeCol-1); ok {
		off, c = m.off, 1+m.runes
	}
	for ; c < runeCol && off < len(s.Data); c++ {
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
		n += utf16Units(r)
		i += w
	}
	return n
}

func utf16Units(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

package source

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets check Source's fast paths against the plain walks they
// replace, and that offset maps stay inside the string they map.
//
//	go test ./internal/source -run '^$' -fuzz FuzzSource -fuzztime 60s

// FuzzAlignOffsets maps a decoded string onto any stretch of a file: the
// offsets stay inside the stretch and never go back.
func FuzzAlignOffsets(f *testing.F) {
	f.Add("{\"Statement\": []}", []byte(`"{\"Statement\": []}"`), 0, 21)
	f.Add("a\nb", []byte("k: |\n  a\n  b\n"), 3, 13)
	f.Add("é\t", []byte(`"\u00e9\t"`), 0, 10)
	f.Fuzz(func(t *testing.T, text string, data []byte, start, end int) {
		start = max(0, min(start, len(data)))
		end = max(start, min(end, len(data)))
		offsets := AlignOffsets(text, data, start, end)
		if len(offsets) != len(text)+1 {
			t.Fatalf("%d offsets for %d bytes", len(offsets), len(text))
		}
		prev := start
		for i, off := range offsets {
			if off < prev || off > end {
				t.Fatalf("offset %d of byte %d outside %d..%d or before %d", off, i, start, end, prev)
			}
			prev = off
		}
	})
}

// FuzzSource checks the columns Source computes with its ASCII shortcut
// and its marks along long lines against a walk from the line start.
func FuzzSource(f *testing.F) {
	f.Add([]byte("ab\ncd"), 4, 2, 2)
	f.Add([]byte("\ufeffé😀\r\nx\ry"), 5, 1, 3)
	f.Add([]byte(strings.Repeat("é😀a\xff", 700)), 2000, 1, 900)
	f.Fuzz(func(t *testing.T, data []byte, off, line, col int) {
		s := NewSource(data)
		if !slices.Equal(s.lineStarts, slowLineStarts(data)) {
			t.Fatalf("line starts %v, want %v", s.lineStarts, slowLineStarts(data))
		}
		if got, want := s.Pos(off), slowPos(data, off); got != want {
			t.Fatalf("Pos(%d) = %+v, want %+v", off, got, want)
		}
		if got, want := s.Offset(line, col), slowOffset(data, line, col); got != want {
			t.Fatalf("Offset(%d, %d) = %d, want %d", line, col, got, want)
		}
		// A copy with the same lines, as the YAML reader makes.
		blank := blankNonASCII(data)
		if got, want := s.WithData(blank).Pos(off), slowPos(blank, off); got != want {
			t.Fatalf("WithData Pos(%d) = %+v, want %+v", off, got, want)
		}
	})
}

// slowPos and slowOffset are Source's answers computed the plain way, a
// walk from the start of the line.
func slowPos(data []byte, off int) Pos {
	starts := slowLineStarts(data)
	off = max(0, min(off, len(data)))
	line := 0
	for line+1 < len(starts) && starts[line+1] <= off {
		line++
	}
	start := starts[line]
	off = max(off, start)
	return Pos{Line: line + 1, Col: 1 + utf16Len(data[start:off])}
}

func slowOffset(data []byte, line, col int) int {
	starts := slowLineStarts(data)
	if line < 1 {
		return 0
	}
	if line > len(starts) {
		return len(data)
	}
	off := starts[line-1]
	for c := 1; c < col && off < len(data); c++ {
		_, w := utf8.DecodeRune(data[off:])
		off += w
	}
	return off
}

// slowLineStarts splits lines a byte at a time.
func slowLineStarts(data []byte) []int {
	starts := []int{0}
	if HasBOM(data) {
		starts[0] = len(BOM)
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

// blankNonASCII replaces every byte of a multi-byte character with a
// space, byte for byte, so that the lines stay the same.
func blankNonASCII(data []byte) []byte {
	out := slices.Clone(data)
	for i, c := range out {
		if c >= utf8.RuneSelf && !(i < len(BOM) && HasBOM(data)) {
			out[i] = ' '
		}
	}
	return out
}

package sarif

import (
	"strconv"
	"unicode/utf8"
)

// This file reproduces the partialFingerprints.primaryLocationLineHash value
// that GitHub's codeql-action (upload-sarif, src/fingerprints.ts) attaches to
// SARIF results, so that results uploaded by this tool keep the same identity
// across runs as results fingerprinted by GitHub itself.
//
// Summary of the algorithm:
//
//   - The file is decoded from UTF-8 and viewed as a sequence of UTF-16 code
//     units (what JavaScript's charCodeAt sees). Characters outside the BMP
//     therefore contribute two units (a surrogate pair).
//   - Spaces (U+0020) and tabs (U+0009) are dropped entirely. CR, LF and CRLF
//     are all normalised to a single LF: a CR becomes LF, and an LF directly
//     following a CR is dropped. (Because spaces and tabs also reset the "after
//     CR" state, "\r \n" counts as two line breaks, as it does upstream.)
//   - After the last unit of the input a sentinel unit 0xFFFF is appended,
//     followed by blockSize zero units.
//   - A polynomial rolling hash over the last blockSize units is kept in
//     wrapping 64-bit arithmetic: h' = 37*h + in - 37^blockSize*out.
//   - The first unit kept after each line break (or at the start of input)
//     starts a new line; the sentinel counts, so the number of lines is the
//     number of line breaks plus one. A line's hash is the rolling hash of the
//     blockSize units starting at its first unit (which may run into following
//     lines and into the sentinel/zero padding).
//   - The hash is rendered as lower-case unsigned hexadecimal without leading
//     zeros, followed by ":N", where N counts how many lines so far (in line
//     order, including this one) produced the same hash value.

const (
	// blockSize is the number of kept (non space/tab) UTF-16 units hashed per
	// line.
	blockSize = 100
	// hashBase is the multiplier of the rolling hash.
	hashBase uint64 = 37
	// eofUnit is the sentinel unit hashed after the last unit of the input.
	eofUnit = 0xFFFF
)

// hashBaseToBlock is hashBase^blockSize modulo 2^64: the weight of the unit
// that leaves the window.
var hashBaseToBlock = func() uint64 {
	p := uint64(1)
	for range blockSize {
		p *= hashBase
	}
	return p
}()

// LineHashes returns the primaryLocationLineHash of each of lines (1-based,
// ascending, no repeats) of content: element i is the hash of lines[i], or ""
// for a line past the end of content.
//
// Only what the answer needs is computed: the input is hashed up to the last
// line asked for, and only the lines asked for are formatted, each into a
// string of its own (none pins a buffer the size of the file).
//
// Lines are separated by "\n", "\r\n" or a lone "\r"; content has one more
// line than line breaks: an empty content has one line, and content ending
// in a line break has a final empty line after it. These are the lines for
// which codeql-action emits a hash.
//
// content is decoded as UTF-8 the way Node.js's Buffer/TextDecoder do (the
// WHATWG decoder): a leading byte-order mark is kept and hashed as U+FEFF, and
// every maximal invalid subsequence (a lone invalid byte, or a truncated but
// otherwise valid prefix of a multi-byte sequence) is replaced by one U+FFFD.
func LineHashes(content []byte, lines []int) []string {
	if len(lines) == 0 {
		return nil
	}
	last := lines[len(lines)-1]
	h := newLineHasher(last)
	for i := 0; i < len(content) && len(h.hashes) < last; {
		b := content[i]
		if b < utf8.RuneSelf {
			h.add(uint16(b))
			i++
			continue
		}
		r, size := utf8.DecodeRune(content[i:])
		if r == utf8.RuneError && size == 1 {
			size = invalidSequenceLen(content[i:])
		}
		i += size
		if r >= 0x10000 {
			r -= 0x10000
			h.add(uint16(0xD800 + r>>10))
			h.add(uint16(0xDC00 + r&0x3FF))
		} else {
			h.add(uint16(r))
		}
	}
	if len(h.hashes) < last {
		h.finish()
	}
	return formatHashes(h.hashes, lines)
}

// invalidSequenceLen returns how many bytes at the start of p (which does not
// begin with a valid UTF-8 encoding) form one maximal invalid subsequence in
// the sense of the WHATWG Encoding Standard: a byte that cannot start a
// sequence is replaced alone; otherwise the lead byte and the continuation
// bytes that were still acceptable are replaced together, and decoding resumes
// at the first unacceptable byte.
func invalidSequenceLen(p []byte) int {
	// lo and hi bound the first continuation byte; later ones are 80..BF.
	var need int
	lo, hi := byte(0x80), byte(0xBF)
	switch b := p[0]; {
	case b >= 0xC2 && b <= 0xDF:
		need = 1
	case b == 0xE0:
		need, lo = 2, 0xA0
	case b == 0xED:
		need, hi = 2, 0x9F
	case b >= 0xE1 && b <= 0xEF:
		need = 2
	case b == 0xF0:
		need, lo = 3, 0x90
	case b == 0xF4:
		need, hi = 3, 0x8F
	case b >= 0xF1 && b <= 0xF3:
		need = 3
	default:
		return 1
	}
	n := 1
	for n <= need && n < len(p) && p[n] >= lo && p[n] <= hi {
		n++
		lo, hi = 0x80, 0xBF
	}
	return n
}

// lineHasher is the streaming state of the rolling line hash.
type lineHasher struct {
	window [blockSize]uint16
	// startsLine[j] reports whether window[j] is the first unit of a line
	// whose hash has not been recorded yet.
	startsLine [blockSize]bool
	hash       uint64
	pos        int // next slot of window to overwrite (its oldest unit)
	// lineStart reports whether the next kept unit starts a line.
	lineStart bool
	// afterCR reports whether the previous unit was a CR.
	afterCR bool
	// hashes holds the raw hash of every completed line, in line order.
	hashes []uint64
}

// newLineHasher returns a hasher for a file whose lines up to line last
// are needed.
func newLineHasher(last int) *lineHasher {
	return &lineHasher{
		lineStart: true,
		hashes:    make([]uint64, 0, last),
	}
}

// add feeds one UTF-16 code unit of the input.
func (h *lineHasher) add(u uint16) {
	switch {
	case u == ' ' || u == '\t' || (h.afterCR && u == '\n'):
		h.afterCR = false
		return
	case u == '\r':
		u = '\n'
		h.afterCR = true
	default:
		h.afterCR = false
	}
	h.emitIfLineStart()
	if h.lineStart {
		h.lineStart = false
		h.startsLine[h.pos] = true
	}
	if u == '\n' {
		h.lineStart = true
	}
	h.roll(u)
}

// finish feeds the end-of-input sentinel and the zero padding, which
// completes the hashes of the lines still open.
func (h *lineHasher) finish() {
	h.add(eofUnit)
	for range blockSize {
		h.emitIfLineStart()
		h.roll(0)
	}
}

// formatHashes renders the hash of each of lines as lower-case hexadecimal
// followed by ":N", N being the number of lines up to and including it
// with the same value; hashes holds the raw values of every line up to the
// last of lines at least.
func formatHashes(hashes []uint64, lines []int) []string {
	// Count only the values that are asked for: one small map, not one
	// entry per line of the file.
	seen := make(map[uint64]int, len(lines))
	for _, line := range lines {
		if line >= 1 && line <= len(hashes) {
			seen[hashes[line-1]] = 0
		}
	}
	out := make([]string, len(lines))
	next := 0 // the next of lines to format
	for i, v := range hashes {
		n, asked := seen[v]
		if !asked {
			continue
		}
		seen[v] = n + 1
		for ; next < len(lines) && lines[next] <= i+1; next++ {
			if lines[next] == i+1 {
				out[next] = strconv.FormatUint(v, 16) + ":" + strconv.Itoa(n+1)
			}
		}
	}
	return out
}

// emitIfLineStart records the hash of the line that starts at the oldest unit
// of the window, if any; the window then holds exactly that line's blockSize
// units.
func (h *lineHasher) emitIfLineStart() {
	if !h.startsLine[h.pos] {
		return
	}
	// Lines are completed in order, so this is the hash of line
	// len(h.hashes)+1.
	h.hashes = append(h.hashes, h.hash)
	h.startsLine[h.pos] = false
}

// roll shifts u into the window, dropping its oldest unit.
func (h *lineHasher) roll(u uint16) {
	old := h.window[h.pos]
	h.window[h.pos] = u
	h.hash = hashBase*h.hash + uint64(u) - hashBaseToBlock*uint64(old)
	h.pos++
	if h.pos == blockSize {
		h.pos = 0
	}
}

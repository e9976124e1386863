package sarif

import (
	"encoding/binary"
	"math"
	"strconv"
	"sync"
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
	defer lineHashers.Put(h)
	for i := 0; i < len(content) && len(h.hashes) < last; {
		if content[i] < utf8.RuneSelf {
			i += h.addASCII(content[i:], last)
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

// lineHasher is the streaming state of the line hash. A line's hash is
// that of the window of blockSize units starting at its first unit, which
// is the difference of two prefix hashes: with P(n) the hash of the first
// n kept units, the window [s, s+blockSize) hashes to
// P(s+blockSize) - 37^blockSize * P(s). So a unit costs one multiply and
// one add, and a line start is remembered, with the prefix hash before
// it, until its window is complete.
type lineHasher struct {
	prefix  uint64 // P(kept)
	kept    int    // units kept so far
	afterCR bool   // the previous unit was a CR
	// open holds the lines whose window is not complete yet, oldest
	// first, in a ring: at most blockSize of them, since each starts at a
	// different one of the last blockSize units.
	open       [openRing]lineStart
	head, tail int // open[head%openRing] is the oldest; tail is past the newest
	// due is the value of kept at which the oldest open line completes
	// (noneDue when no line is open).
	due int
	// hashes holds the raw hash of every completed line, in line order.
	hashes []uint64
}

// openRing is the size of lineHasher.open: a power of two of at least
// blockSize.
const openRing = 128

// noneDue is lineHasher.due when no line is open.
const noneDue = math.MaxInt

// lineStart is a line whose first unit is unit kept, with the prefix
// hash before it.
type lineStart struct {
	kept   int
	prefix uint64
}

// newLineHasher returns a hasher for a file whose lines up to line last
// are needed. Hashers are reused: the workers of a scan fingerprint one
// file after another, and the raw hashes of a file's lines are a
// slice as long as the file.
func newLineHasher(last int) *lineHasher {
	h := lineHashers.Get().(*lineHasher)
	hashes := h.hashes[:0]
	if cap(hashes) < last {
		hashes = make([]uint64, 0, last)
	}
	*h = lineHasher{due: noneDue, hashes: hashes}
	h.startLine()
	return h
}

var lineHashers = sync.Pool{New: func() any { return new(lineHasher) }}

// startLine notes that the next kept unit starts a line.
func (h *lineHasher) startLine() {
	if h.head == h.tail {
		h.due = h.kept + blockSize
	}
	h.open[h.tail%openRing] = lineStart{h.kept, h.prefix}
	h.tail++
}

// complete records the hash of the oldest open line, whose window ends
// where the prefix hash is at.
func (h *lineHasher) complete(at uint64) {
	s := h.open[h.head%openRing]
	h.hashes = append(h.hashes, at-hashBaseToBlock*s.prefix)
	h.head++
	h.due = noneDue
	if h.head != h.tail {
		h.due = h.open[h.head%openRing].kept + blockSize
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
	h.appendUnit(uint64(u))
	if u == '\n' {
		h.startLine()
	}
}

// unitWeight is, for each byte, what the fast path multiplies the prefix
// hash by: hashBase for a byte kept as a unit, 1 for a blank (dropped: the
// prefix stays), 0 for a line break or a byte of non-ASCII text, which
// take the slow path. unitValue is what it adds: the byte, or 0 for a
// blank.
var unitWeight, unitValue = func() (w, v [256]uint64) {
	for c := range w {
		switch {
		case c >= utf8.RuneSelf || c == '\r' || c == '\n':
		case c == ' ' || c == '\t':
			w[c] = 1
		default:
			w[c], v[c] = hashBase, uint64(c)
		}
	}
	return w, v
}()

const (
	eightSpaces = 0x2020202020202020
	hashBaseTo4 = hashBase * hashBase * hashBase * hashBase
)

// addASCII is add for the bytes of p up to the first that is not ASCII,
// with the state in locals: nearly every byte of a policy file is ASCII.
// Bytes that are neither line breaks nor non-ASCII go two at a time, with
// no branch for a blank, so that each pair costs the prefix hash one
// multiply and one add. It stops once the hash of line last is recorded,
// and returns how many bytes it took.
func (h *lineHasher) addASCII(p []byte, last int) int {
	prefix, kept, due, afterCR := h.prefix, h.kept, h.due, h.afterCR
	i := 0
	for i < len(p) {
		if p[i] == ' ' && i+1 < len(p) && p[i+1] == ' ' {
			// A run of spaces (a third of the bytes of an indented
			// file) changes nothing but afterCR: skip it eight at a time.
			i += 2
			for i+8 <= len(p) && binary.LittleEndian.Uint64(p[i:]) == eightSpaces {
				i += 8
			}
			for i < len(p) && p[i] == ' ' {
				i++
			}
			afterCR = false
			continue
		}
		if i+4 <= len(p) && due-kept > 4 {
			// Four units kept as they are (no blank, line break, control
			// or non-ASCII byte) that complete no line: their share of the
			// prefix hash is worked out apart from it, which leaves one
			// multiply and one add of the prefix for the four.
			if x := binary.LittleEndian.Uint32(p[i:]); (x-0x21212121|x)&0x80808080 == 0 {
				four := ((uint64(x&0xFF)*hashBase+uint64(x>>8&0xFF))*hashBase+uint64(x>>16&0xFF))*hashBase + uint64(x>>24)
				prefix = prefix*hashBaseTo4 + four
				kept += 4
				i += 4
				afterCR = false
				continue
			}
		}
		if i+1 < len(p) {
			c1, c2 := p[i], p[i+1]
			w1, w2 := unitWeight[c1], unitWeight[c2]
			if w1 != 0 && w2 != 0 {
				before := prefix
				prefix = prefix*(w1*w2) + unitValue[c1]*w2 + unitValue[c2]
				kept += int(w1>>5) + int(w2>>5) // 1 for hashBase, 0 for a blank
				i += 2
				afterCR = false
				if kept >= due {
					if due == kept-1 { // completed by c1, both kept
						h.complete(before*w1 + unitValue[c1])
						if len(h.hashes) == last {
							return i - 1 // the rest of the state is not needed
						}
					}
					if h.due == kept {
						h.complete(prefix)
						if len(h.hashes) == last {
							return i
						}
					}
					due = h.due
				}
				continue
			}
		}
		c := p[i]
		if c >= utf8.RuneSelf {
			break
		}
		i++
		w := unitWeight[c]
		if w != 0 {
			prefix = prefix*w + unitValue[c]
			kept += int(w >> 5)
			afterCR = false
		} else {
			if c == '\n' && afterCR {
				afterCR = false
				continue
			}
			afterCR = c == '\r'
			prefix = hashBase*prefix + '\n'
			kept++
		}
		if kept == due {
			h.complete(prefix)
			if len(h.hashes) == last {
				return i
			}
		}
		if w == 0 {
			h.prefix, h.kept = prefix, kept
			h.startLine()
		}
		due = h.due
	}
	h.prefix, h.kept, h.afterCR = prefix, kept, afterCR
	return i
}

// finish feeds the end-of-input sentinel and the zero padding, which
// completes the hashes of the lines still open.
func (h *lineHasher) finish() {
	h.add(eofUnit)
	for range blockSize {
		h.appendUnit(0)
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

// appendUnit appends the unit v.
func (h *lineHasher) appendUnit(v uint64) {
	h.prefix = hashBase*h.prefix + v
	h.kept++
	if h.kept == h.due {
		h.complete(h.prefix)
	}
}

package source

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// Encoding is how the text of a file is stored.
type Encoding uint8

const (
	UTF8 Encoding = iota
	UTF16LE
	UTF16BE
	UTF32LE
	UTF32BE
)

func (e Encoding) String() string {
	return [...]string{"UTF-8", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"}[e]
}

// unitSize is the size in bytes of one code unit of e.
func (e Encoding) unitSize() int {
	return [...]int{1, 2, 2, 4, 4}[e]
}

// DetectEncoding says how data is stored, and whether it says so itself
// with a byte-order mark. Text in UTF-16 or UTF-32 without a mark is
// recognised by its zero bytes: JSON and YAML start with an ASCII
// character, whose wide encoding is mostly zeros, and a UTF-8 file never
// holds a zero byte there.
func DetectEncoding(data []byte) (enc Encoding, bom bool) {
	switch {
	case hasPrefix(data, "\xff\xfe\x00\x00"):
		return UTF32LE, true
	case hasPrefix(data, "\x00\x00\xfe\xff"):
		return UTF32BE, true
	case hasPrefix(data, "\xff\xfe"):
		return UTF16LE, true
	case hasPrefix(data, "\xfe\xff"):
		return UTF16BE, true
	}
	for _, e := range []Encoding{UTF32LE, UTF32BE, UTF16LE, UTF16BE} {
		if looksWide(data, e) {
			return e, false
		}
	}
	return UTF8, HasBOM(data)
}

func hasPrefix(data []byte, prefix string) bool {
	return len(data) >= len(prefix) && string(data[:len(prefix)]) == prefix
}

// looksWide reports whether data starts with a character below U+0080
// other than NUL in encoding e, and at least half of its first units are
// such characters.
func looksWide(data []byte, e Encoding) bool {
	size := e.unitSize()
	n := min(len(data)/size, 64)
	if n == 0 {
		return false
	}
	ascii := 0
	for i := range n {
		u := unitAt(data, i*size, e)
		if u > 0 && u < utf8.RuneSelf {
			ascii++
		} else if i == 0 {
			return false
		}
	}
	return 2*ascii >= n
}

// unitAt reads the code unit of encoding e at byte offset off.
func unitAt(data []byte, off int, e Encoding) uint32 {
	switch e {
	case UTF16LE:
		return uint32(binary.LittleEndian.Uint16(data[off:]))
	case UTF16BE:
		return uint32(binary.BigEndian.Uint16(data[off:]))
	case UTF32LE:
		return binary.LittleEndian.Uint32(data[off:])
	default:
		return binary.BigEndian.Uint32(data[off:])
	}
}

// EncodingError is a file in UTF-16 or UTF-32 without a byte-order mark:
// it is not scanned, since its encoding is a guess, but it is named.
type EncodingError struct{ Encoding Encoding }

func (e *EncodingError) Error() string {
	return fmt.Sprintf("not scanned: the file looks like %s text without a byte-order mark; save it as UTF-8, or with a byte-order mark", e.Encoding)
}

// Decode returns the text of a file as UTF-8, the encoding every reader
// works in. UTF-8 comes back as it is (no copy); UTF-16 and UTF-32 with a
// byte-order mark are decoded, the mark becoming the UTF-8 mark; wide
// text without a mark is an *EncodingError. Code units that are not
// characters (an unpaired surrogate, a value above U+10FFFF, a trailing
// odd byte) become U+FFFD, as invalid UTF-8 is read.
//
// Positions in the decoded text are positions in the file: Source
// counts lines at LF, CRLF and CR, and columns in UTF-16 code units of
// the characters, so the line and column of each character in the
// decoded text are those of the same character in the file, whatever its
// encoding (a character above U+FFFF is two columns either way, an
// unreadable unit one U+FFFD, which is one), and the mark takes no
// column in both.
func Decode(data []byte) ([]byte, Encoding, error) {
	enc, bom := DetectEncoding(data)
	switch {
	case enc == UTF8:
		return data, enc, nil
	case !bom:
		return nil, enc, &EncodingError{Encoding: enc}
	}
	size := enc.unitSize()
	out := make([]byte, 0, len(data)+len(data)/2)
	for off := 0; off < len(data); {
		if off+size > len(data) {
			out = utf8.AppendRune(out, utf8.RuneError)
			break
		}
		u := unitAt(data, off, enc)
		off += size
		r := rune(u)
		if size == 2 && utf16.IsSurrogate(r) {
			r = utf8.RuneError
			if u < 0xdc00 && off+2 <= len(data) {
				if pair := utf16.DecodeRune(rune(u), rune(unitAt(data, off, enc))); pair != utf8.RuneError {
					r = pair
					off += 2
				}
			}
		}
		if u > utf8.MaxRune || !utf8.ValidRune(r) {
			r = utf8.RuneError
		}
		out = utf8.AppendRune(out, r)
	}
	return out, enc, nil
}

package source

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// encode writes runes in enc (which must not be UTF8), with a byte-order
// mark when bom is set.
func encode(runes []rune, enc Encoding, bom bool) []byte {
	if bom {
		runes = append([]rune{0xfeff}, runes...)
	}
	var out []byte
	switch enc {
	case UTF16LE, UTF16BE:
		for _, u := range utf16.Encode(runes) {
			if enc == UTF16LE {
				out = binary.LittleEndian.AppendUint16(out, u)
			} else {
				out = binary.BigEndian.AppendUint16(out, u)
			}
		}
	case UTF32LE:
		for _, r := range runes {
			out = binary.LittleEndian.AppendUint32(out, uint32(r))
		}
	case UTF32BE:
		for _, r := range runes {
			out = binary.BigEndian.AppendUint32(out, uint32(r))
		}
	}
	return out
}

var wideEncodings = []Encoding{UTF16LE, UTF16BE, UTF32LE, UTF32BE}

// TestDecodedPositions checks the mapping Decode promises: the line and
// UTF-16 column that Source gives a character of the decoded text are
// the line and column of that character in the file, counted on the
// file's own code units (a UTF-16 file: one column per unit; a UTF-32
// file: the character's UTF-16 length), with lines ending at LF, CRLF
// or CR units.
func TestDecodedPositions(t *testing.T) {
	text := []rune("{\"Sid\": \"é€😀\",\r\n\t\"Effect\": \"Allow\"\r  x: 😀😀y\n\n\"Résumé\": 1}\n")
	for _, enc := range wideEncodings {
		t.Run(enc.String(), func(t *testing.T) {
			file := encode(text, enc, true)
			decoded, got, err := Decode(file)
			if err != nil || got != enc {
				t.Fatalf("Decode: %v, %v", got, err)
			}
			if want := BOM + string(text); string(decoded) != want {
				t.Fatalf("decoded %q, want %q", decoded, want)
			}
			src := NewSource(decoded)
			// Walk the file's code units after the mark.
			size := enc.unitSize()
			line, col, off := 1, 1, len(BOM)
			for i := size; i < len(file); {
				r, units, step := rune(unitAt(file, i, enc)), 1, size
				if size == 2 && utf16.IsSurrogate(r) {
					r = utf16.DecodeRune(r, rune(unitAt(file, i+2, enc)))
					units, step = 2, 4
				} else if size == 4 && r >= 0x10000 {
					units = 2 // its UTF-16 length
				}
				if p := src.Pos(off); p != (Pos{Line: line, Col: col}) {
					t.Fatalf("%q at file offset %d: Source says %d:%d, the file's units %d:%d", r, i, p.Line, p.Col, line, col)
				}
				i += step
				off += utf8.RuneLen(r)
				switch {
				case r == '\r' && i < len(file) && unitAt(file, i, enc) == '\n':
					col++ // the LF of a CRLF is on the same line
				case r == '\r' || r == '\n':
					line, col = line+1, 1
				default:
					col += units
				}
			}
			if src.LineCount() != line {
				t.Errorf("%d lines, the file has %d", src.LineCount(), line)
			}
		})
	}
}

func TestDecodeUnreadableUnits(t *testing.T) {
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"unpaired high surrogate", []byte("\xff\xfea\x00\x00\xd8b\x00"), BOM + "a\uFFFDb"},
		{"unpaired low surrogate", []byte("\xfe\xff\x00a\xdc\x00"), BOM + "a\uFFFD"},
		{"trailing odd byte", []byte("\xff\xfea\x00b"), BOM + "a\uFFFD"},
		{"UTF-32 value above U+10FFFF", []byte("\x00\x00\xfe\xff\x00\x11\x00\x00\x00\x00\x00a"), BOM + "\uFFFDa"},
		{"UTF-32 surrogate", []byte("\xff\xfe\x00\x00\x00\xd8\x00\x00"), BOM + "\uFFFD"},
	}
	for _, tt := range tests {
		got, _, err := Decode(tt.file)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestDetectEncoding(t *testing.T) {
	policy := []rune(`{"Statement": []}`)
	for _, enc := range wideEncodings {
		if got, bom := DetectEncoding(encode(policy, enc, true)); got != enc || !bom {
			t.Errorf("%s with a mark: %s, %v", enc, got, bom)
		}
		file := encode(policy, enc, false)
		if got, bom := DetectEncoding(file); got != enc || bom {
			t.Errorf("%s without a mark: %s, %v", enc, got, bom)
		}
		var encErr *EncodingError
		if _, _, err := Decode(file); !errors.As(err, &encErr) || encErr.Encoding != enc {
			t.Errorf("%s without a mark: Decode error %v", enc, err)
		}
	}
	for _, data := range []string{"", "{}", BOM + "a: 1", "é: 1", "\x00", "\x00\x00", "a", "\xff", "\x00\x01\x02\x03\x80\x81"} {
		if got, _ := DetectEncoding([]byte(data)); got != UTF8 {
			t.Errorf("%q: %s, want UTF-8", data, got)
		}
	}
	if text, enc, err := Decode([]byte("a: 1")); string(text) != "a: 1" || enc != UTF8 || err != nil {
		t.Errorf("UTF-8: %q %s %v", text, enc, err)
	}
}

// FuzzDecode: any input decodes without a panic; text of a wide encoding
// with a mark decodes to valid UTF-8 of its characters, and back: when
// no unit was unreadable, encoding the decoded text again gives the file.
//
//	go test ./internal/source -run '^$' -fuzz FuzzDecode -fuzztime 30s
func FuzzDecode(f *testing.F) {
	for _, enc := range wideEncodings {
		f.Add(encode([]rune("a: 😀\r\nb: é"), enc, true))
	}
	f.Add([]byte("\xff\xfea\x00\x00\xd8"))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		text, enc, err := Decode(data)
		if err != nil || enc == UTF8 {
			return
		}
		if !utf8.Valid(text) {
			t.Fatalf("%s decodes to invalid UTF-8: %q", enc, text)
		}
		if bytes.ContainsRune(text, utf8.RuneError) {
			return
		}
		if again := encode([]rune(string(text[len(BOM):])), enc, true); !bytes.Equal(again, data) {
			t.Fatalf("%s: %q decodes to %q, which encodes to %q", enc, data, text, again)
		}
	})
}

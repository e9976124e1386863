package syntax

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestText8 checks the eight-bytes-at-a-time test against a byte at a
// time: every byte value at every place among printable bytes, and words
// of random bytes.
func TestText8(t *testing.T) {
	text := func(p []byte) bool {
		for _, c := range p[:8] {
			if (c < 0x20 || c > 0x7e) && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
		}
		return true
	}
	word := []byte("abcdXYZ~")
	for at := range 8 {
		for c := range 256 {
			w := bytes.Clone(word)
			w[at] = byte(c)
			if got, want := text8(w), text(w); got != want {
				t.Errorf("%q: text8 %v, want %v", w, got, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		w := make([]byte, 8)
		for i := range w {
			w[i] = byte(rng.IntN(256))
			switch rng.IntN(4) {
			case 0:
				w[i] = byte(0x1e + rng.IntN(4)) // near the bounds
			case 1:
				w[i] = byte(0x7d + rng.IntN(4))
			case 2:
				w[i] = byte(0x08 + rng.IntN(7)) // near the line breaks
			}
		}
		if got, want := text8(w), text(w); got != want {
			t.Fatalf("%q: text8 %v, want %v", w, got, want)
		}
	}
}

// TestReadableYAML: C1 controls and U+FFFE, U+FFFF anywhere make a stream
// go-yaml's; their look-alikes do not.
func TestReadableYAML(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"a: b\n", true},
		{"a: \u0085\n", false},
		{"a: \u009f", false},
		{"a: \u00a0é\n", true},
		{"a: \ufffe", false},
		{"a: \uffff\n", false},
		{"a: \ufffd\uefbf\n", true},
		{"a: \xc2", true},
		{"a: \xef\xbf", true},
		{"é\u0080", false},
	} {
		if got := readableYAML([]byte(tt.in)); got != tt.want {
			t.Errorf("readableYAML(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

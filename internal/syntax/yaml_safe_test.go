package syntax

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestPrintable8 checks the eight-bytes-at-a-time test against a byte at
// a time: every byte value at every place among printable bytes, and
// words of random bytes.
func TestPrintable8(t *testing.T) {
	printable := func(p []byte) bool {
		for _, c := range p[:8] {
			if c < 0x20 || c > 0x7e {
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
			if got, want := printable8(w), printable(w); got != want {
				t.Errorf("%q: printable8 %v, want %v", w, got, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		w := make([]byte, 8)
		for i := range w {
			w[i] = byte(rng.IntN(256))
			if rng.IntN(2) == 0 {
				w[i] = byte(0x1e + rng.IntN(4)) // near the bounds
			}
		}
		if got, want := printable8(w), printable(w); got != want {
			t.Fatalf("%q: printable8 %v, want %v", w, got, want)
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

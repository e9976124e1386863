package source

import (
	"bytes"
	"testing"
)

// TestIsASCII puts one byte above 0x7F at every place of inputs shorter
// and longer than the eight bytes read at a time.
func TestIsASCII(t *testing.T) {
	for n := range 20 {
		data := bytes.Repeat([]byte{0x7F}, n)
		if !isASCII(data) {
			t.Errorf("%d bytes of 0x7F: not ASCII", n)
		}
		for i := range n {
			data[i] = 0x80
			if isASCII(data) {
				t.Errorf("0x80 at %d of %d bytes: ASCII", i, n)
			}
			data[i] = 0x7F
		}
	}
}

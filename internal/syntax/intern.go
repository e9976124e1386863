package syntax

import "math/bits"

// interner hands out one string per short text: templates repeat the
// same keys and values ("Effect", "Allow", "AWS::IAM::Role") thousands of
// times. It is a table of the texts seen last, one per slot of a hash of
// the text, rather than a map of every text: one that is never repeated
// (a resource's logical ID) costs its string and takes a slot, and
// nothing grows but the table, to the size of the largest file read with
// it. Which strings are shared never changes what a tree says.
type interner struct {
	slots []string
	shift uint // 64 - log2(len(slots)): slotOf's hash to a slot
}

// The table has a slot per internBytes bytes of the largest file, between
// 16 slots, for a policy in a string, and maxInternSlots, well above the
// distinct keys and values a template repeats.
const (
	internBytes    = 32
	maxInternSlots = 1 << 12
)

// internMax is the longest text worth a slot: longer ones (hashes,
// descriptions, policies in strings) are seldom repeated.
const internMax = 48

// fit sizes the table for a file of size bytes.
func (ki *interner) fit(size int) {
	n := bits.Len(uint(min(max(size/internBytes, 16), maxInternSlots) - 1))
	if 1<<n > len(ki.slots) {
		ki.slots, ki.shift = make([]string, 1<<n), uint(64-n)
	}
}

// intern is the string of b: interned when it is short.
func intern(ki *interner, b []byte) string {
	if len(b) > internMax {
		return string(b)
	}
	slot := &ki.slots[slotOf(b)>>ki.shift]
	if *slot != string(b) {
		*slot = string(b)
	}
	return *slot
}

// slotOf hashes a short text from its length and its first and last
// eight bytes, into its high bits: a few instructions, where a general
// hash costs more than the string it saves. Texts that share a slot only
// take turns in it.
func slotOf(b []byte) uint64 {
	x := uint64(len(b))
	if len(b) >= 8 {
		x ^= load64(b[:8]) ^ load64(b[len(b)-8:])*0x9e3779b97f4a7c15
	} else {
		for i := range len(b) {
			x = x<<8 | uint64(b[i])
		}
	}
	return x * 0x9e3779b97f4a7c15
}

// load64 reads eight bytes, little-endian.
func load64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

package syntax

import "hash/maphash"

// interner hands out one string per short text: templates repeat the
// same keys and values ("Effect", "Allow", "AWS::IAM::Role") thousands of
// times. It is a table of the texts seen last, one per slot of a hash of
// the text, rather than a map of every text: one that is never repeated
// (a resource's logical ID) costs its string and takes a slot, and
// nothing grows. Which strings are shared never changes what a tree says.
type interner struct {
	slots [internSlots]string
}

// internSlots is a power of two well above the distinct keys and values
// a template repeats.
const internSlots = 256

// internMax is the longest text worth a slot: longer ones (hashes,
// descriptions, policies in strings) are seldom repeated.
const internMax = 48

var internSeed = maphash.MakeSeed()

// intern returns the text of b, shared with an equal text before it.
func (ki *interner) intern(b []byte) string {
	slot := &ki.slots[maphash.Bytes(internSeed, b)&(internSlots-1)]
	if *slot != string(b) {
		*slot = string(b)
	}
	return *slot
}

// internString is intern for a text that is already a string.
func (ki *interner) internString(s string) string {
	slot := &ki.slots[maphash.String(internSeed, s)&(internSlots-1)]
	if *slot != s {
		*slot = s
	}
	return *slot
}

// text is the string of b: interned when it is short.
func (ki *interner) text(b []byte) string {
	if len(b) <= internMax {
		return ki.intern(b)
	}
	return string(b)
}

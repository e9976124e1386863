package syntax

// keyInterner hands out one string per distinct key text: templates
// repeat the same few keys thousands of times.
type keyInterner map[string]string

// maxInternedKeys bounds the interned keys, so a map of a million
// distinct keys costs no more than it would without interning.
const maxInternedKeys = 4096

// intern returns the text of b, shared with every equal key before it.
func (ki *keyInterner) intern(b []byte) string {
	if k, ok := (*ki)[string(b)]; ok {
		return k
	}
	k := string(b)
	if *ki == nil {
		*ki = make(keyInterner, 64)
	}
	if len(*ki) < maxInternedKeys {
		(*ki)[k] = k
	}
	return k
}

// internString is intern for a key whose text is already a string.
func (ki *keyInterner) internString(s string) string {
	if k, ok := (*ki)[s]; ok {
		return k
	}
	if *ki == nil {
		*ki = make(keyInterner, 64)
	}
	if len(*ki) < maxInternedKeys {
		(*ki)[s] = s
	}
	return s
}

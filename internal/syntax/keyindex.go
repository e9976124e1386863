package syntax

// keyIndex finds duplicate keys in one map as its keys are read. Most
// maps have a handful of keys, where a look through the ones seen so far
// (held in the index itself, so on the stack) is cheaper than a hash map;
// a map that grows past keyIndexSmall keys gets one, so that a map of
// many keys stays linear.
type keyIndex struct {
	n     int
	keys  [keyIndexSmall]string
	vals  [keyIndexSmall]int
	index map[string]int
}

const keyIndexSmall = 16

// seen records key with val (where the key is) and returns the val of the
// last earlier key equal to it, if there is one.
func (x *keyIndex) seen(key string, val int) (int, bool) {
	if x.index != nil {
		prev, dup := x.index[key]
		x.index[key] = val
		return prev, dup
	}
	prev, dup := 0, false
	for i := x.n - 1; i >= 0; i-- {
		if x.keys[i] == key {
			prev, dup = x.vals[i], true
			break
		}
	}
	if x.n < keyIndexSmall {
		x.keys[x.n], x.vals[x.n] = key, val
		x.n++
		return prev, dup
	}
	x.index = make(map[string]int, 4*keyIndexSmall)
	for i := range x.n {
		x.index[x.keys[i]] = x.vals[i]
	}
	x.index[key] = val
	return prev, dup
}

package syntax

// Nodes hands out the nodes of the trees parsed with it, and their
// fields and items, from blocks, so that a tree of a million nodes costs
// a few thousand allocations instead of a million. A scan that parses
// one file after another resets it once a file's tree is dropped: the
// next file's nodes then take the same memory, where new blocks would be
// more memory to clear, and more for the collector to reclaim, for every
// file. Its interner lives as long as it does, so that the keys and
// values files share ("Effect", "Allow", "AWS::IAM::Role") are each one
// string for the whole scan, not one per file.
type Nodes struct {
	nodeSlab  slab[Node]
	fieldSlab slab[Field]
	itemSlab  slab[*Node]
	texts     interner
}

// slab is the blocks of one type of element.
type slab[T any] struct {
	cur   []T   // the block elements are taken from
	full  [][]T // the blocks filled since the last Reset
	spare [][]T // blocks kept by Reset, empty
}

// maxSlabBlock keeps blocks of nodes under the 32 KiB above which Go
// allocates objects one by one from the heap's pages; a run of fields or
// items longer than a block is allocated by itself.
const maxSlabBlock = 256

// maxSpareBlocks bounds what Reset keeps: the nodes of an ordinary
// template (about a megabyte); the blocks of a larger tree go to the
// collector.
const maxSpareBlocks = 64

func (s *Nodes) node(n Node) *Node {
	p := &s.nodeSlab.take(1)[0]
	*p = n
	return p
}

// copyOf returns a copy of elems from the blocks, or nil for none.
func (s *slab[T]) copyOf(elems []T) []T {
	if len(elems) == 0 {
		return nil
	}
	out := s.take(len(elems))
	copy(out, elems)
	return out
}

// take returns n zero elements whose capacity ends with them, so that an
// append to them copies rather than writes over the next ones.
func (s *slab[T]) take(n int) []T {
	if len(s.cur)+n > cap(s.cur) {
		if n > maxSlabBlock {
			return make([]T, n)
		}
		s.nextBlock(n)
	}
	i := len(s.cur)
	s.cur = s.cur[:i+n]
	return s.cur[i : i+n : i+n]
}

func (s *slab[T]) nextBlock(n int) {
	if cap(s.cur) > 0 {
		s.full = append(s.full, s.cur)
	}
	if k := len(s.spare); k > 0 && cap(s.spare[k-1]) >= n {
		s.cur, s.spare = s.spare[k-1], s.spare[:k-1]
		return
	}
	s.cur = make([]T, 0, min(max(2*cap(s.cur), 16, n), maxSlabBlock))
}

// Reset drops every tree parsed with s, none of whose nodes may be used
// after it, and keeps blocks for the next trees.
func (s *Nodes) Reset() {
	s.nodeSlab.reset()
	s.fieldSlab.reset()
	s.itemSlab.reset()
}

func (s *slab[T]) reset() {
	if cap(s.cur) > 0 {
		s.full = append(s.full, s.cur)
	}
	for _, b := range s.full {
		if len(s.spare) == maxSpareBlocks {
			break
		}
		clear(b) // a kept block must not keep the old tree's strings alive
		s.spare = append(s.spare, b[:0])
	}
	clear(s.full)
	s.full, s.cur = s.full[:0], nil
}

package syntax

// Nodes hands out the nodes of the trees parsed with it from blocks, so
// that a tree of a million nodes costs a few thousand allocations instead
// of a million. A scan that parses one file after another resets it once
// a file's tree is dropped: the next file's nodes then take the same
// memory, where new blocks would be more memory to clear, and more for
// the collector to reclaim, for every file.
type Nodes struct {
	cur   []Node   // the block nodes are taken from
	full  [][]Node // the blocks filled since the last Reset
	spare [][]Node // blocks kept by Reset, empty
}

// maxSlabBlock keeps blocks under the 32 KiB above which Go allocates
// objects one by one from the heap's pages.
const maxSlabBlock = 256

// maxSpareBlocks bounds what Reset keeps: the nodes of an ordinary
// template (about a megabyte); the blocks of a larger tree go to the
// collector.
const maxSpareBlocks = 64

func (s *Nodes) node(n Node) *Node {
	if len(s.cur) == cap(s.cur) {
		s.nextBlock()
	}
	s.cur = append(s.cur, n)
	return &s.cur[len(s.cur)-1]
}

func (s *Nodes) nextBlock() {
	if cap(s.cur) > 0 {
		s.full = append(s.full, s.cur)
	}
	if k := len(s.spare); k > 0 {
		s.cur, s.spare = s.spare[k-1], s.spare[:k-1]
		return
	}
	s.cur = make([]Node, 0, min(max(2*cap(s.cur), 16), maxSlabBlock))
}

// Reset drops every tree parsed with s, none of whose nodes may be used
// after it, and keeps blocks for the next trees.
func (s *Nodes) Reset() {
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

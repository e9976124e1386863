package syntax

// nodeSlab hands out nodes from blocks, so that a tree of a million nodes
// costs a few thousand allocations instead of a million. The nodes of a
// tree live and die together, so no block outlives its tree for long.
type nodeSlab struct{ block []Node }

// maxSlabBlock keeps blocks under the 32 KiB above which Go allocates
// objects one by one from the heap's pages.
const maxSlabBlock = 256

func (s *nodeSlab) node(n Node) *Node {
	if len(s.block) == cap(s.block) {
		s.block = make([]Node, 0, min(max(2*cap(s.block), 16), maxSlabBlock))
	}
	s.block = append(s.block, n)
	return &s.block[len(s.block)-1]
}

package syntax

import "github.com/ssm-guardrails/ssm-guardrails/internal/source"

// Remap moves a tree parsed from a decoded string onto the offsets of the
// file the string is written in.
func Remap(root *Node, offsets source.OffsetMap) {
	remap(root, offsets, map[*Node]bool{})
}

func remap(n *Node, offsets source.OffsetMap, done map[*Node]bool) {
	if n == nil || done[n] {
		return
	}
	done[n] = true
	start, end := offsets.Map(n.Start), n.End
	if end > n.Start {
		end = offsets.Map(end-1) + 1
	} else {
		end = offsets.Map(end)
	}
	n.Start, n.End = start, max(start, end)
	for _, item := range n.Items {
		remap(item, offsets, done)
	}
	for _, f := range n.Fields {
		remap(f.Key, offsets, done)
		remap(f.Value, offsets, done)
	}
}

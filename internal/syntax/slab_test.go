package syntax

import (
	"strings"
	"testing"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// TestNodesReset parses one file after another with the same Nodes, as a
// scan's worker does: each tree is whole, the second takes the memory of
// the first, and Reset leaves nothing of an old tree in a kept block.
func TestNodesReset(t *testing.T) {
	var nodes Nodes
	first := `{"Statement": [` + strings.Repeat(`{"Effect": "Allow", "Action": "s3:GetObject"},`, 200) + `{}]}`
	second := "Resources:\n" + strings.Repeat("  - {Effect: Deny, Action: ec2:*}\n", 300)
	roots, _, err := ParseWith(source.NewSource([]byte(first)), &nodes)
	if err != nil {
		t.Fatal(err)
	}
	firstBlock := &nodes.full[0][0]
	if got := len(roots[0].Get("Statement").Items); got != 201 {
		t.Fatalf("first tree: %d statements", got)
	}
	nodes.Reset()
	if len(nodes.spare) == 0 || len(nodes.full) != 0 || nodes.cur != nil {
		t.Fatalf("after Reset: %d spare, %d full, current block %v", len(nodes.spare), len(nodes.full), nodes.cur != nil)
	}
	for _, b := range nodes.spare {
		for _, n := range b[:cap(b)] {
			if n.Text != "" || n.Fields != nil || n.Items != nil {
				t.Fatalf("a kept block holds a node of the old tree: %+v", n)
			}
		}
	}
	roots, _, err = ParseWith(source.NewSource([]byte(second)), &nodes)
	if err != nil {
		t.Fatal(err)
	}
	items := roots[0].Get("Resources").Items
	if len(items) != 300 || items[299].Get("Effect").Text != "Deny" || items[0].Get("Action").Text != "ec2:*" {
		t.Fatalf("second tree: %d items", len(items))
	}
	reused := false
	for _, b := range append(nodes.full, nodes.cur) {
		reused = reused || &b[:1][0] == firstBlock
	}
	if !reused {
		t.Error("the second tree took new blocks, not the first tree's")
	}
}

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
	firstBlock := &nodes.nodeSlab.full[0][0]
	if got := len(roots[0].Get("Statement").Items); got != 201 {
		t.Fatalf("first tree: %d statements", got)
	}
	nodes.Reset()
	if s := nodes.nodeSlab; len(s.spare) == 0 || len(s.full) != 0 || s.cur != nil {
		t.Fatalf("after Reset: %d spare, %d full, current block %v", len(s.spare), len(s.full), s.cur != nil)
	}
	for _, b := range nodes.nodeSlab.spare {
		for _, n := range b[:cap(b)] {
			if n.Text != "" || n.Fields != nil || n.Items != nil {
				t.Fatalf("a kept block holds a node of the old tree: %+v", n)
			}
		}
	}
	for _, b := range nodes.fieldSlab.spare {
		for _, f := range b[:cap(b)] {
			if f.Key != nil || f.Value != nil {
				t.Fatalf("a kept block holds a field of the old tree: %+v", f)
			}
		}
	}
	for _, b := range nodes.itemSlab.spare {
		for _, item := range b[:cap(b)] {
			if item != nil {
				t.Fatalf("a kept block holds an item of the old tree: %+v", item)
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
	for _, b := range append(nodes.nodeSlab.full, nodes.nodeSlab.cur) {
		reused = reused || &b[:1][0] == firstBlock
	}
	if !reused {
		t.Error("the second tree took new blocks, not the first tree's")
	}
}

// TestNodesAppend checks that the fields and items of a tree, which share
// blocks, can each be appended to without writing over the next ones.
func TestNodesAppend(t *testing.T) {
	root, _, err := ParseJSON(source.NewSource([]byte(`{"a": [1, 2], "b": [3], "c": {"d": 4}, "e": 5}`)))
	if err != nil {
		t.Fatal(err)
	}
	a, b := root.Get("a"), root.Get("b")
	a.Items = append(a.Items, &Node{Text: "appended"})
	c := root.Get("c")
	c.Fields = append(c.Fields, Field{Key: &Node{Text: "appended"}})
	if got := b.Items[0].Text; got != "3" {
		t.Errorf("b[0] = %q after appending to a", got)
	}
	var keys []string
	for _, f := range root.Fields {
		keys = append(keys, f.Key.Text)
	}
	if got := strings.Join(keys, ","); got != "a,b,c,e" {
		t.Errorf("root's keys are %s after appending to c's fields, want a,b,c,e", got)
	}
}

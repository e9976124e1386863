package extract

import (
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// isCDKTree reports whether root is a CDK cloud assembly's tree.json: the
// construct tree, whose attributes repeat every resource's properties.
func isCDKTree(root *syntax.Node) bool {
	v := root.Get("version")
	t := root.Get("tree")
	return v != nil && v.Kind == syntax.KindString && strings.HasPrefix(v.Text, "tree-") && t != nil && t.Kind == syntax.KindMap
}

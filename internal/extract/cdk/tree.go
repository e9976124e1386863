package cdk

import (
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/syntax"
)

// IsConstructTree reports whether the documents of a file are a CDK cloud
// assembly's tree.json: the construct tree, whose attributes repeat every
// resource's properties. The driver skips it only inside an assembly (a
// manifest.json beside it), where the templates it repeats are scanned
// themselves; a look-alike anywhere else is read like any file.
func IsConstructTree(roots []*syntax.Node) bool {
	if len(roots) != 1 {
		return false
	}
	v := roots[0].Get("version")
	t := roots[0].Get("tree")
	return v != nil && v.Kind == syntax.KindString && strings.HasPrefix(v.Text, "tree-") && t != nil && t.Kind == syntax.KindMap
}

package syntax

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// yamlGen writes random YAML of the kinds our reader reads, with the
// spacing, comments and properties that real files vary in.
type yamlGen struct {
	rng     *rand.Rand
	b       strings.Builder
	anchors []string
}

var genScalars = []string{
	"a", "Allow", "ssm:SendCommand", "arn:aws:ec2:*:*:instance/*", "'*'", `"*"`, "1", "-2", "0x1F", "3.5", "1e3",
	".inf", "-.Inf", "true", "False", "null", "~", "yes", "no", "2012-10-17", "<<x", "a b  c", "x#y", "a:b",
	"http://h/p?q=1#f", "é😀", "'it''s'", `"\x41\u00e9\t\"q\""`, `"a\\b"`, "-x", "?x", ":x", "''", `""`,
	"!Ref Param", "!Sub 'arn:${AWS::Partition}:s3:::b'", "!GetAtt Role.Arn", "!!str 12", "!!int '7'",
	"!Base64 x", "!!bool on", "!Ref AWS::NoValue", "a,b",
}

func (g *yamlGen) w(s string) { g.b.WriteString(s) }

func (g *yamlGen) scalar(flow bool) {
	s := genScalars[g.rng.IntN(len(genScalars))]
	if flow && (strings.ContainsAny(s, ",[]{}?#") && s[0] != '"' && s[0] != '\'' || s[0] == ':') {
		s = "f"
	}
	if len(g.anchors) > 0 && g.rng.IntN(8) == 0 {
		g.w("*" + g.anchors[g.rng.IntN(len(g.anchors))])
		return
	}
	if g.rng.IntN(10) == 0 && !strings.HasPrefix(s, "!") {
		name := "a" + string(rune('0'+g.rng.IntN(10)))
		g.w("&" + name + " " + s)
		g.anchors = append(g.anchors, name)
		return
	}
	g.w(s)
}

func (g *yamlGen) key() string {
	return []string{"k", "Effect", "Action", "Resource", "'q k'", `"d k"`, "Statement", "a b", "x-1", "<<", "Fn::If"}[g.rng.IntN(11)]
}

func (g *yamlGen) flow(depth int) {
	if depth > 3 || g.rng.IntN(3) == 0 {
		g.scalar(true)
		return
	}
	sep := []string{", ", ",", " , ", ",\n  ", ",\n"}[g.rng.IntN(5)]
	n := g.rng.IntN(4)
	if g.rng.IntN(2) == 0 {
		g.w("[")
		for i := range n {
			if i > 0 {
				g.w(sep)
			}
			g.flow(depth + 1)
		}
		if n > 0 && g.rng.IntN(6) == 0 {
			g.w(",")
		}
		g.w("]")
		return
	}
	g.w("{")
	for i := range n {
		if i > 0 {
			g.w(sep)
		}
		g.w(g.key() + ": ")
		g.flow(depth + 1)
	}
	g.w("}")
}

func (g *yamlGen) block(indent, depth int) {
	pad := strings.Repeat(" ", indent)
	switch k := g.rng.IntN(10); {
	case depth > 4 || k < 3:
		g.w(" ")
		if g.rng.IntN(4) == 0 {
			g.flow(0)
		} else {
			g.scalar(false)
		}
		if g.rng.IntN(5) == 0 {
			g.w(" # c")
		}
		g.w("\n")
	case k == 3:
		g.w(" " + []string{"|", ">", "|-", ">+", "|+", ">-"}[g.rng.IntN(6)] + "\n")
		for i := range 1 + g.rng.IntN(3) {
			if i > 0 && g.rng.IntN(4) == 0 {
				g.w("\n")
			}
			g.w(pad + "  " + strings.Repeat(" ", min(i, g.rng.IntN(2))) + []string{"text", "# not a comment", "a: b", "- x"}[g.rng.IntN(4)] + "\n")
		}
	case k < 7:
		if g.rng.IntN(6) == 0 {
			g.w(" !If")
		}
		g.w("\n")
		in := indent + 2
		if g.rng.IntN(3) == 0 {
			in = indent // a list at its map's column
		}
		for range 1 + g.rng.IntN(3) {
			g.w(strings.Repeat(" ", in) + "-")
			g.block(in+2, depth+1)
		}
	default:
		g.w("\n")
		for range 1 + g.rng.IntN(3) {
			if g.rng.IntN(6) == 0 {
				g.w(pad + "  # comment\n")
			}
			g.w(pad + "  " + g.key() + ":")
			g.block(indent+2, depth+1)
		}
	}
}

func (g *yamlGen) document() string {
	g.b.Reset()
	g.anchors = nil
	for d := range 1 + g.rng.IntN(2) {
		if d > 0 || g.rng.IntN(4) == 0 {
			g.w("---\n")
		}
		for range 1 + g.rng.IntN(4) {
			g.w(g.key() + ":")
			g.block(0, 0)
		}
	}
	return g.b.String()
}

// TestYAMLReaderGenerated writes thousands of random documents of the
// kinds our reader reads, and each again with one byte changed (mostly
// no longer valid YAML): whatever our reader reads must be what go-yaml
// reads, and it must read the valid ones itself.
func TestYAMLReaderGenerated(t *testing.T) {
	g := &yamlGen{rng: rand.New(rand.NewPCG(18, 14))}
	const n = 3000
	read := 0
	for range n {
		doc := []byte(g.document())
		if sameAsGoYAML(t, doc) {
			read++
		}
		i := g.rng.IntN(len(doc))
		const changes = " \n:-#[]{},'\"!&*|>\t?"
		doc[i] = changes[g.rng.IntN(len(changes))]
		sameAsGoYAML(t, doc)
	}
	if read < n*9/10 {
		t.Errorf("our reader read %d of %d generated documents", read, n)
	}
}

package scan

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestZZQuad(t *testing.T) {
	stmt := `{"Sid":"é","Effect":"Allow","Action":"ssm:SendCommand","Resource":"*"}`
	minified := func(n int) string {
		return `{"Statement":[` + strings.TrimSuffix(strings.Repeat(stmt+",", n), ",") + `]}`
	}
	yflow := func(n int) string {
		var b strings.Builder
		b.WriteString("{Statement: [")
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("{Sid: é, Effect: Allow, Action: ssm:SendCommand, Resource: '*'}")
		}
		b.WriteString("]}")
		return b.String()
	}
	nested := func(n int) string {
		return "a: " + strings.Repeat("[", 400) + strings.TrimSuffix(strings.Repeat("1, ", n), ", ") + strings.Repeat("]", 400) + "\n"
	}
	align := func(n int) string {
		return "k: \"{\\\"Statement\\\": [\n" + strings.Repeat(" ", n) + strings.Repeat("\\u00e9", n/10) + "]}\"\n"
	}
	bomb := func(n int) string {
		var b strings.Builder
		b.WriteString("s: &s {Effect: Allow, Action: ssm:SendCommand, Resource: '*'}\n")
		b.WriteString("l0: &l0 [*s, *s, *s, *s, *s, *s, *s, *s, *s, *s]\n")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
		}
		fmt.Fprintf(&b, "Statement: *l%d\n", n-1)
		return b.String()
	}
	for _, c := range []struct {
		name string
		gen  func(int) string
		ns   []int
	}{
		{"minified json non-ascii", minified, []int{1000, 4000, 16000}},
		{"yaml flow one line", yflow, []int{1000, 4000, 16000}},
		{"nested flow", nested, []int{10000, 40000, 160000}},
		{"align whitespace", align, []int{20000, 80000, 320000}},
		{"bomb policies", bomb, []int{3, 4, 5}},
	} {
		for _, n := range c.ns {
			d := c.gen(n)
			start := time.Now()
			res := ScanFile("x", []byte(d))
			w := ""
			if len(res.Warnings) > 0 {
				w = res.Warnings[0].String()
			}
			t.Logf("%s n=%d size=%d: %v findings=%d warnings=%d %s", c.name, n, len(d), time.Since(start), len(res.Findings), len(res.Warnings), w)
		}
	}
}

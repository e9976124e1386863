package main

import (
	"fmt"
	"io"
	"os"

	"github.com/ssm-guardrails/ssm-guardrails/report"
)

// textStyle is how a CLI run wants its text output to look.
type textStyle struct {
	color   string // --color: auto, always or never
	quiet   bool   // --quiet: the findings only
	noColor bool   // NO_COLOR is set, or TERM=dumb
}

func checkColor(when string) error {
	switch when {
	case "auto", "always", "never":
		return nil
	}
	return fmt.Errorf("unknown --color %q: use auto, always or never", when)
}

// textOptions decides how the text output written to out looks: on a
// terminal with excerpts, and in colour there unless NO_COLOR says
// otherwise; --color always colours it anywhere, never nowhere. Action
// mode has no style: its log gets plain text.
func (st *settings) textOptions(out io.Writer) report.TextOptions {
	opts := report.TextOptions{FailOn: st.failOn}
	if st.style == nil {
		return opts
	}
	opts.Quiet = st.style.quiet
	opts.Terminal = st.output == "" && isTerminal(out)
	switch st.style.color {
	case "always":
		opts.Color = true
	case "auto":
		opts.Color = opts.Terminal && !st.style.noColor
	}
	return opts
}

// isTerminal reports whether w is a terminal: a character device other
// than the null device.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(info, null)
}

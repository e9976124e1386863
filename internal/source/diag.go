package source

import (
	"cmp"
	"fmt"
	"slices"
)

// Diagnostic is a problem at a byte offset of the file being read that
// does not stop it from being read, such as a duplicate key. It becomes a
// Warning, with a line and column, when the file's result is reported.
type Diagnostic struct {
	Offset int
	Msg    string
}

// Warning is a file, or a part of one, that could not be read, or a
// problem worth knowing about that is not a finding. Line and Col are 0
// when the warning concerns the whole file.
type Warning struct {
	File    string
	Line    int
	Col     int
	Message string
}

// Warning places a diagnostic of this source's file.
func (s *Source) Warning(file string, d Diagnostic) Warning {
	p := s.Pos(d.Offset)
	return Warning{File: file, Line: p.Line, Col: p.Col, Message: d.Msg}
}

func (w Warning) String() string {
	switch {
	case w.Line == 0:
		return fmt.Sprintf("%s: %s", w.File, w.Message)
	case w.Col == 0:
		return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Message)
	default:
		return fmt.Sprintf("%s:%d:%d: %s", w.File, w.Line, w.Col, w.Message)
	}
}

// SortWarnings orders warnings by place.
func SortWarnings(ws []Warning) {
	slices.SortStableFunc(ws, func(a, b Warning) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

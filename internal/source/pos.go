package source

// Pos is a 1-based line and a 1-based column counted in UTF-16 code units,
// the way SARIF and GitHub count.
type Pos struct {
	Line int
	Col  int
}

// Span is a region of a file; End.Col is exclusive.
type Span struct {
	Start Pos
	End   Pos
}

package sarif

import (
	"bytes"
	"encoding/json"
	"testing"
)

// indentCases are compact JSON values with what makes indenting hard:
// empty containers, punctuation and escaped quotes inside strings, runs
// of backslashes before a closing quote.
var indentCases = []string{
	`{}`, `[]`, `""`, `0`, `null`,
	`{"a":[],"b":{},"c":[{}],"d":[[],{}]}`,
	`{"k:,{}[]":"v,:{}[]","e":"\"","b":"\\","bb":"\\\\","q":"\\\"x\\"}`,
	`[1,-2.5e3,true,false,null,"x"]`,
	`{"nested":{"list":[1,{"deep":[2,3]}],"s":"<&>\u2028é"}}`,
}

func TestAppendIndentedIsJSONIndent(t *testing.T) {
	for _, c := range indentCases {
		checkIndented(t, []byte(c+"\n"))
	}
}

// FuzzAppendIndented holds appendIndented to json.Indent on the compact
// form of every valid JSON value the fuzzer makes.
func FuzzAppendIndented(f *testing.F) {
	for _, c := range indentCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !json.Valid([]byte(s)) {
			return
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(s)); err != nil {
			t.Fatal(err)
		}
		compact.WriteByte('\n') // as json.Encoder ends a value
		checkIndented(t, compact.Bytes())
	})
}

func checkIndented(t *testing.T, compact []byte) {
	t.Helper()
	var want bytes.Buffer
	if err := json.Indent(&want, compact, "", "  "); err != nil {
		t.Fatalf("%q: %v", compact, err)
	}
	if got := appendIndented(nil, compact); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("%q:\n got  %q\n want %q", compact, got, want.Bytes())
	}
}

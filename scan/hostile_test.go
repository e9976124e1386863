package scan

import (
	"bytes"
	"fmt"
)

// manyStatements is a policy of n statements, one a line from line 3,
// each granting ssm:SendCommand on every instance.
func manyStatements(n int) []byte {
	var b bytes.Buffer
	b.WriteString("{\n  \"Statement\": [\n")
	for i := range n {
		sep := ","
		if i == n-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    {\"Sid\": \"S%d\", \"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}%s\n", i, sep)
	}
	b.WriteString("  ]\n}\n")
	return b.Bytes()
}

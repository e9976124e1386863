package scan

import (
	"encoding/binary"
	"slices"
	"testing"
	"unicode/utf16"

	"github.com/ssm-guardrails/ssm-guardrails/internal/testkit"
)

// wide encodes s (with a leading U+FEFF when it should carry a byte-order
// mark) in UTF-16 or UTF-32 of either byte order.
func wide(s string, unit int, order binary.AppendByteOrder) []byte {
	var out []byte
	if unit == 2 {
		for _, u := range utf16.Encode([]rune(s)) {
			out = order.AppendUint16(out, u)
		}
		return out
	}
	for _, r := range s {
		out = order.AppendUint32(out, uint32(r))
	}
	return out
}

// TestWideEncodings: a file in UTF-16 or UTF-32 with a byte-order mark is
// scanned with the positions of its characters (lines, UTF-16 columns);
// without a mark it is named in a warning, never skipped in silence.
func TestWideEncodings(t *testing.T) {
	const policyJSON = "{\"Statement\": [\r\n  {\"Sid\": \"😀é\", \"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}\r\n]}\r\n"
	const stackYAML = "Resources:\n  R:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Sid: \"😀é\"\n            Effect: Allow\n            Action: ssm:StartSession\n            Resource: '*'\n"
	tests := []struct {
		name    string
		content []byte
		want    []string
		warning string
	}{
		{"UTF-16LE JSON", wide("\ufeff"+policyJSON, 2, binary.LittleEndian), []string{"IAM-SSM-1@2:3-2:82"}, ""},
		{"UTF-16BE JSON", wide("\ufeff"+policyJSON, 2, binary.BigEndian), []string{"IAM-SSM-1@2:3-2:82"}, ""},
		{"UTF-32LE YAML", wide("\ufeff"+stackYAML, 4, binary.LittleEndian), []string{"IAM-SSM-2@7:13-10:26"}, ""},
		{"UTF-32BE YAML", wide("\ufeff"+stackYAML, 4, binary.BigEndian), []string{"IAM-SSM-2@7:13-10:26"}, ""},
		{"UTF-8 JSON, for comparison", []byte(policyJSON), []string{"IAM-SSM-1@2:3-2:82"}, ""},
		{"UTF-8 YAML, for comparison", []byte(stackYAML), []string{"IAM-SSM-2@7:13-10:26"}, ""},
		{"UTF-16LE without a mark", wide(policyJSON, 2, binary.LittleEndian), nil,
			"f: not scanned: the file looks like UTF-16LE text without a byte-order mark; save it as UTF-8, or with a byte-order mark"},
		{"UTF-32BE without a mark", wide(stackYAML, 4, binary.BigEndian), nil,
			"f: not scanned: the file looks like UTF-32BE text without a byte-order mark; save it as UTF-8, or with a byte-order mark"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ScanFile("f", tt.content)
			var got, warnings []string
			for _, f := range res.Findings {
				got = append(got, located(f))
			}
			for _, w := range res.Warnings {
				warnings = append(warnings, w.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %q, want %q", got, tt.want)
			}
			if want := []string{tt.warning}; tt.warning == "" && len(warnings) > 0 || tt.warning != "" && !slices.Equal(warnings, want) {
				t.Errorf("warnings %q, want %q", warnings, tt.warning)
			}
		})
	}
}

// TestWideEncodingExcerpt: a finding's excerpt of a UTF-16 file is its
// decoded line, and its fingerprint is taken from the file's own bytes,
// as GitHub takes it.
func TestWideEncodingExcerpt(t *testing.T) {
	const policy = "{\"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"ssm:SendCommand\", \"Resource\": \"*\"}\n]}\n"
	content := wide("\ufeff"+policy, 2, binary.LittleEndian)
	dir := testkit.WriteTree(t, map[string]string{"p.json": string(content)})
	var hashed []byte
	hasher := func(data []byte, lines []int) []string {
		hashed = data
		return make([]string, len(lines))
	}
	rep, err := Run(Options{Paths: []string{dir}, BaseDir: dir, Excerpts: true, LineHashes: hasher})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Excerpt == nil {
		t.Fatalf("findings %+v", rep.Findings)
	}
	if got, want := rep.Findings[0].Excerpt.Text, `  {"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "*"}`; got != want {
		t.Errorf("excerpt %q, want %q", got, want)
	}
	if string(hashed) != string(content) {
		t.Errorf("fingerprints taken from %q, want the file's bytes", hashed)
	}
}

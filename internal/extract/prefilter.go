package extract

import (
	"bytes"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// MayHoldPolicy reports whether data could hold a policy document, so
// that a file that cannot is skipped before it is parsed. It must never
// say no to a file the extractor would find a policy in: a false yes
// costs a parse, a false no loses a finding.
//
// The extractor finds a document only under a key "Statement" (a policy
// document), "statements" or "iamRoleStatements" (Serverless Framework),
// or "Effect" (a bare statement in a SAM Policies list), and a finding
// needs an Allow statement inside such a document; the one exception is a
// Terraform plan's policy that is known only after apply, which is marked
// in "after_unknown". It finds managed policy attachments only under
// "ManagedPolicyArns" or a key ending in "Policies" (ManagedPolicies,
// SAM's Policies, an export's AttachedManagedPolicies), and a policy that
// an intrinsic function writes, whose "Statement" may be split between
// the function's parts, only under "PolicyDocument" or "InlinePolicy". So
// a file that holds a policy contains one of these names once decoded.
// The name may be written without its letters appearing in the file:
//
//   - a JSON string escape: "\u0045ffect";
//   - a YAML double-quoted escape: "\x45ffect", "\u0045ffect",
//     "\U00000045ffect", or an escaped line break that joins "Eff\
//     ect" into one word;
//   - a percent escape in a URL-encoded policy string: %45ffect, or %5C
//     for the backslash of one of the escapes above (the policy inside is
//     then read as JSON).
//
// Escapes nest (a policy in a JSON string in a YAML string), but every
// decoded letter comes from an escape that the outermost text spells with
// one of these markers, so a file with none of them and none of the
// names cannot hold a policy. Keys are compared exactly (no case
// folding) and YAML folding of plain or single-quoted scalars always
// inserts a space or newline, so nothing else can make the names.
//
// The markers are rare in files that hold no policy (package-lock.json,
// manifests, locales), which is what makes the filter worth running.
//
// Text in UTF-16 or UTF-32 spells none of them in its own bytes; such a
// file always passes, to be decoded, or named in a warning when it has
// no byte-order mark. Such files are rare.
func MayHoldPolicy(data []byte) bool {
	if enc, _ := source.DetectEncoding(data); enc != source.UTF8 {
		return true
	}
	return bytes.Contains(data, []byte("Effect")) ||
		containsBy(data, "tatement", 'm') || // Statement, statements, iamRoleStatements
		hasPolicyKey(data) ||
		containsBy(data, "after_unknown", 'k') || // a Terraform plan: a policy known only after apply
		hasLetterEscape(data) ||
		hasPercentEscape(data)
}

// containsBy is bytes.Contains(data, name) for a name whose first byte is
// common in text: it looks only where rare, a byte of name that text
// holds less often, stands. bytes.Contains finds the places by the first
// byte, and compares at every byte once they come too often, which cost
// most of the filter's time in a file that holds none of the names.
func containsBy(data []byte, name string, rare byte) bool {
	at := strings.IndexByte(name, rare)
	for i := at; i < len(data); i++ {
		j := bytes.IndexByte(data[i:], rare)
		if j < 0 {
			return false
		}
		i += j
		if start := i - at; start+len(name) <= len(data) && string(data[start:start+len(name)]) == name {
			return true
		}
	}
	return false
}

// hasPolicyKey finds a key that may hold an attachment or a policy an
// intrinsic function writes: "...Policies", "ManagedPolicyArns",
// "PolicyDocument" or "InlinePolicy", in one pass over the file.
func hasPolicyKey(data []byte) bool {
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("Polic"))
		if j < 0 {
			return false
		}
		at := i + j
		rest, before := data[at:], data[:at]
		if bytes.HasPrefix(rest, []byte("Policies")) || bytes.HasPrefix(rest, []byte("PolicyDocument")) ||
			bytes.HasPrefix(rest, []byte("PolicyArns")) && bytes.HasSuffix(before, []byte("Managed")) ||
			bytes.HasPrefix(rest, []byte("Policy")) && bytes.HasSuffix(before, []byte("Inline")) {
			return true
		}
		i = at + 1
	}
}

// hasLetterEscape finds a backslash escape that can decode to a letter:
// \u, \U, \x, or a backslash before a line break.
func hasLetterEscape(data []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\\')
		if j < 0 {
			return false
		}
		i += j + 1
		if i < len(data) {
			switch data[i] {
			case 'u', 'U', 'x', '\n', '\r':
				return true
			}
		}
	}
}

// hasPercentEscape finds a percent escape of a letter of the three names
// (E=45 f=66 e=65 c=63 t=74 S=53 a=61 m=6D n=6E s=73) or of a backslash
// (5C). Percent escapes are only decoded in a policy that starts with
// %7B, so any escape that decodes to one of these is a hex pair whose
// first digit is 4 to 7; the filter takes every such pair, which keeps
// it simple and is still rare outside URL-encoded text.
func hasPercentEscape(data []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '%')
		if j < 0 {
			return false
		}
		i += j + 1
		if i+1 < len(data) && data[i] >= '4' && data[i] <= '7' && isHexDigit(data[i+1]) {
			return true
		}
	}
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

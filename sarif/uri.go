package sarif

import (
	"fmt"
	"net/url"
	"strings"
)

// fileURI is the relative URI reference of a scanned file, which the scan
// reports relative to the working directory with forward slashes.
//
// Each segment is percent-encoded ("my policies/a#1.json" becomes
// "my%20policies/a%231.json"), so the reference means the file and
// nothing else; GitHub decodes it again. A colon in the first segment
// is encoded too, or "c:x.json" would read as a URI with scheme "c".
// Absolute paths are refused: GitHub can place only URIs relative to the
// repository root, and the log must not depend on the machine.
func fileURI(path string) (string, error) {
	switch {
	case path == "":
		return "", fmt.Errorf("sarif: finding without a file")
	case strings.HasPrefix(path, "/"), hasDrive(path):
		return "", fmt.Errorf("sarif: %s: path is not relative to the working directory", path)
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	segs[0] = strings.ReplaceAll(segs[0], ":", "%3A")
	return strings.Join(segs, "/"), nil
}

// hasDrive reports whether path starts with a Windows drive ("C:/").
func hasDrive(path string) bool {
	return len(path) >= 3 && path[1] == ':' && path[2] == '/' &&
		('a' <= path[0] && path[0] <= 'z' || 'A' <= path[0] && path[0] <= 'Z')
}

// sentence ends a message with a full stop: SARIF viewers (and the SARIF
// validator's SARIF2001) expect messages to be sentences.
func sentence(s string) string {
	s = strings.TrimRight(s, " \t\n")
	if s == "" || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

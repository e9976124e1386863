package sarif

import (
	"fmt"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"
	"github.com/ssm-guardrails/ssm-guardrails/internal/source"
)

// warningNotification reports a file, or a part of one, that could not be
// read or parsed, with its place when the scan knows it.
func warningNotification(w source.Warning) *gosarif.Notification {
	n := &gosarif.Notification{Level: "warning", Message: gosarif.NewTextMessage(sentence(w.String()))}
	// A path the scan could not make relative stays in the message only.
	uri, err := fileURI(w.File)
	if err != nil {
		return n
	}
	phys := &gosarif.PhysicalLocation{ArtifactLocation: gosarif.NewSimpleArtifactLocation(uri).WithUriBaseId(srcRoot)}
	if w.Line > 0 {
		phys.Region = &gosarif.Region{StartLine: ptr(w.Line)}
		if w.Col > 0 {
			phys.Region.StartColumn = ptr(w.Col)
		}
	}
	n.Locations = []*gosarif.Location{gosarif.NewLocationWithPhysicalLocation(phys)}
	return n
}

// droppedNotification says that results were left out to stay within
// GitHub's limit.
func droppedNotification(limit, dropped int) *gosarif.Notification {
	return &gosarif.Notification{Level: "warning", Message: gosarif.NewTextMessage(fmt.Sprintf(
		"GitHub code scanning accepts at most %s results in a run: this log keeps the %s most severe findings and leaves out %s more.",
		thousands(limit), thousands(limit), thousands(dropped)))}
}

// tooLargeNotification says that GitHub will refuse the log.
func tooLargeNotification(size, limit int64) *gosarif.Notification {
	return &gosarif.Notification{Level: "warning", Message: gosarif.NewTextMessage(fmt.Sprintf(
		"The gzipped SARIF log is %s bytes, over GitHub code scanning's limit of %s bytes: the upload will be rejected. "+
			"Scan fewer files (--include, --exclude) or fix the findings that repeat.",
		thousands(int(size)), thousands(int(limit))))}
}

// thousands writes n with thousands separators: 25000 is "25,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

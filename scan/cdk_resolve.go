package scan

import (
	"os"
	"path/filepath"
	"slices"

	"github.com/ssm-guardrails/ssm-guardrails/internal/extract/cdk"
)

// How the link step finds the file a trace's frame names: see the
// comment in cdk_link.go.

// maxFrameComponents bounds the trailing components tried for one frame.
const maxFrameComponents = 32

// scanRoot is a directory the link step may read in, with what it has
// learnt there.
type scanRoot struct {
	dir    string // absolute
	root   *os.Root
	frames map[frameKey]string // frame path -> file, relative to the root; "" when none
	apps   map[string]*appFile // by path relative to the root
}

type frameKey struct{ appDir, path string }

// cdkAppDir is the directory, relative to the root, of the cdk.json
// nearest above the assembly; "" when there is none in the root.
func (r *scanRoot) cdkAppDir(relDir string) string {
	for d := relDir; ; d = filepath.Dir(d) {
		if r.isFile(filepath.Join(d, "cdk.json")) {
			return d
		}
		if d == "." {
			return ""
		}
	}
}

func (r *scanRoot) isFile(rel string) bool {
	info, err := r.root.Stat(rel)
	return err == nil && info.Mode().IsRegular()
}

// resolve finds the file a frame's path names under the root; "" when
// none does.
func (r *scanRoot) resolve(path, appDir string) string {
	key := frameKey{appDir, path}
	if rel, ok := r.frames[key]; ok {
		return rel
	}
	rel := r.lookUp(path, appDir)
	r.frames[key] = rel
	return rel
}

func (r *scanRoot) lookUp(path, appDir string) string {
	if filepath.IsAbs(path) {
		if rel, err := filepath.Rel(r.dir, path); err == nil && filepath.IsLocal(rel) && r.isFile(rel) {
			return rel
		}
	} else if !hasDrive(path) {
		// Relative frames are relative to where synth ran: the app's root.
		if rel := filepath.Join(appDir, path); appDir != "" && filepath.IsLocal(rel) && r.isFile(rel) {
			return rel
		}
		return ""
	}
	comps := cdk.PathComponents(path)
	if slices.Contains(comps, "..") {
		return ""
	}
	if len(comps) > maxFrameComponents {
		comps = comps[len(comps)-maxFrameComponents:]
	}
	bases := []struct {
		dir      string
		minComps int
	}{{appDir, 1}, {".", 2}}
	switch appDir {
	case "":
		bases = bases[1:]
	case ".":
		bases = bases[:1] // the app's root is the scan root
	}
	for _, base := range bases {
		for k := len(comps); k >= base.minComps; k-- {
			rel := filepath.Join(append([]string{base.dir}, comps[len(comps)-k:]...)...)
			if filepath.IsLocal(rel) && r.isFile(rel) {
				return rel
			}
		}
	}
	return ""
}

// hasDrive reports whether a frame path starts with a Windows drive.
func hasDrive(path string) bool {
	return len(path) >= 2 && path[1] == ':' && ('a' <= path[0] && path[0] <= 'z' || 'A' <= path[0] && path[0] <= 'Z')
}

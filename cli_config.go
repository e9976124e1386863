package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ssm-guardrails/ssm-guardrails/internal/exempt"
)

// loadConfig reads the config the run names or, in a CLI run that names
// none, the one findConfig finds.
func (st *settings) loadConfig() (*exempt.Config, error) {
	named := st.config
	if named == "" && st.findConfig {
		var err error
		if named, err = findConfig(st.scan.Paths, st.scan.StdinName); err != nil {
			return nil, err
		}
	}
	return loadConfig(named, st.scan.BaseDir, st.configRoot)
}

// findConfig looks for the exemptions config a CLI run uses when none is
// named: .ssm-guardrails.yml or .yaml in the directory of the first PATH
// and each directory above it up to the repository root (the directory
// with .git), then in the working directory. Outside a repository only
// the PATH's own directory is searched before the working directory, so
// that a config in some directory above cannot apply by accident. It
// returns "" when there is none.
func findConfig(paths []string, stdinName string) (string, error) {
	start := "."
	if len(paths) > 0 {
		start = paths[0]
	}
	if start == "-" {
		// A file on standard input is where its name says, if it has one.
		start = "."
		if stdinName != "" {
			start = filepath.Dir(stdinName)
		}
	} else if info, err := os.Stat(start); err == nil && !info.IsDir() {
		start = filepath.Dir(start)
	}
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", err
	}
	dirs := []string{dir}
	for d := dir; !isRepoRoot(d); {
		parent := filepath.Dir(d)
		if parent == d { // not in a repository
			dirs = dirs[:1]
			break
		}
		d = parent
		dirs = append(dirs, d)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for _, d := range append(dirs, wd) {
		switch found := configsIn(d); len(found) {
		case 0:
		case 1:
			return found[0], nil
		default: // which one applies must not be a guess
			if rel, err := filepath.Rel(wd, d); err == nil {
				d = rel
			}
			return "", fmt.Errorf("%s: %s and %s are both there: keep one", filepath.ToSlash(d), filepath.Base(found[0]), filepath.Base(found[1]))
		}
	}
	return "", nil
}

func isRepoRoot(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, ".git")) // a directory, or a file in a worktree or submodule
	return err == nil
}

func configsIn(dir string) []string {
	var found []string
	for _, name := range exempt.ConfigFileNames {
		path := filepath.Join(dir, name)
		if _, err := os.Lstat(path); err == nil {
			found = append(found, path)
		}
	}
	return found
}

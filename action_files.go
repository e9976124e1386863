package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ssm-guardrails/ssm-guardrails/internal/safetext"
)

// inWorkspace resolves an input's path against the workspace and refuses
// one that leads outside it: absolute, through "..", or through a link.
// For an output (exists false) only the directory it goes in is resolved:
// the file itself is replaced, never written through (writeReplacing).
func (r *actionRun) inWorkspace(input, value string, exists bool) (string, error) {
	refuse := func(why string) (string, error) {
		return "", fmt.Errorf("input %s: %q %s: it must name a path inside the workspace", input, value, why)
	}
	if filepath.IsAbs(value) {
		return refuse("is absolute")
	}
	path := filepath.Join(r.workspace, value)
	if !within(r.workspace, path) {
		return refuse("leads out of the workspace with ..")
	}
	check, last := path, ""
	if !exists {
		check, last = filepath.Dir(path), filepath.Base(path)
	}
	real, err := filepath.EvalSymlinks(check)
	if errors.Is(err, fs.ErrNotExist) {
		return path, nil // the scan or the write says so, naming the path
	}
	if err != nil {
		return "", fmt.Errorf("input %s: %w", input, err)
	}
	if !within(r.workspace, real) {
		return refuse("leads outside the workspace through a symbolic link")
	}
	return filepath.Join(real, last), nil
}

// within reports whether path is root or inside it (both clean).
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// writeReplacing writes data to path through a temporary file in the same
// directory and a rename, so that a link at path is replaced rather than
// followed, and a reader never sees half a file.
func writeReplacing(path string, data []byte) error {
	if info, err := os.Lstat(path); err == nil && info.IsDir() {
		return errors.New("a directory is in its place")
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ssm-guardrails-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// appendFileCommand appends text to the runner's file named by env, which
// the runner creates: opened without following a link and without
// creating it. Outside a workflow the variable is unset and nothing is
// written.
func (r *actionRun) appendFileCommand(env, text string) error {
	path := r.getenv(env)
	if path == "" {
		return nil
	}
	if info, err := os.Lstat(path); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%s is a symbolic link", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|openNoFollow, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (r *actionRun) addSummary(markdown string) {
	if err := r.appendFileCommand("GITHUB_STEP_SUMMARY", markdown); err != nil {
		r.warnf("Job summary not written", "could not write the job summary: %s", safetext.Log(err.Error()))
	}
}

// setOutput writes an output as the toolkit does: NAME<<DELIMITER, the
// value, DELIMITER, with a delimiter made for this value, so that nothing
// in the value can end it early and set another output.
func (r *actionRun) setOutput(name, value string) {
	delimiter := "ghadelimiter_" + rand.Text()
	for strings.Contains(value, delimiter) {
		delimiter = "ghadelimiter_" + rand.Text()
	}
	if err := r.appendFileCommand("GITHUB_OUTPUT", name+"<<"+delimiter+"\n"+value+"\n"+delimiter+"\n"); err != nil {
		r.warnf("Output not set", "could not set output %s: %s", name, safetext.Log(err.Error()))
	}
}

package exempt

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// MaxConfigSize caps what is read of a config. An exemptions file is a
// few kilobytes; the cap keeps a config that is really a huge file from
// exhausting memory.
const MaxConfigSize = 1 << 20

// readConfig reads the config at path: a regular file (not a device, a
// FIFO or a directory, which could block or never end), at most
// MaxConfigSize bytes, and inside root when root is given.
func readConfig(root, path string) ([]byte, error) {
	real := path
	if root != "" {
		var err error
		if real, err = resolveWithin(root, path); err != nil {
			return nil, err
		}
	}
	info, err := os.Stat(real)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxConfigSize {
		return nil, fmt.Errorf("larger than %d KiB", MaxConfigSize>>10)
	}
	return data, nil
}

// errOutside is a config whose path, once links are resolved, leaves the
// directory it must stay in.
var errOutside = errors.New("it leads outside the workspace")

// resolveWithin resolves the links in path and returns the real path if
// it lies inside root's real path.
func resolveWithin(root, path string) (string, error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(realRoot, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", errOutside
	}
	return real, nil
}

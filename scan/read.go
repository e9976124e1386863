package scan

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// errNotRegular is a path that discovery saw as a regular file but that is
// something else by the time it is opened.
var errNotRegular = errors.New("not a regular file")

// errTooLarge is a file that grew past the size limit after discovery.
type errTooLarge struct{ limit int64 }

func (e errTooLarge) Error() string {
	return fmt.Sprintf("larger than the %s limit (--max-file-size)", FormatSize(e.limit))
}

// readFile reads the file at path into buf's memory and returns its
// contents. Discovery has already decided from directory entries that the
// file is regular and small enough; readFile makes sure of both again
// without trusting them, since the file may have changed in between: it
// opens without blocking (a FIFO put in the file's place cannot stall the
// scan), checks what it opened, and reads at most limit bytes (0: no
// limit). Each worker reuses one buffer, so a scan allocates memory for
// its largest file rather than for every file.
func readFile(path string, limit int64, buf []byte) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return buf, err
	}
	defer f.Close()
	return readOpened(f, limit, buf)
}

// readInRoot reads the file name inside root as readFile does; the root
// keeps the path, and any link on it, from leading outside.
func readInRoot(root *os.Root, name string, limit int64) ([]byte, error) {
	f, err := root.OpenFile(name, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(f, limit, nil)
}

// readOpened reads an opened file into buf's memory, making sure it is a
// regular file of at most limit bytes.
func readOpened(f *os.File, limit int64, buf []byte) ([]byte, error) {
	info, err := f.Stat()
	if err != nil {
		return buf, err
	}
	if !info.Mode().IsRegular() {
		return buf, errNotRegular
	}
	size := info.Size()
	if limit > 0 && size > limit {
		return buf, errTooLarge{limit}
	}
	return readAll(f, size, limit, buf)
}

// readAll reads r into buf's memory: at most limit bytes (0: no limit),
// with room made for size bytes at once.
func readAll(r io.Reader, size, limit int64, buf []byte) ([]byte, error) {
	if limit > 0 {
		r = io.LimitReader(r, limit+1)
	}
	buf = buf[:0]
	if need := int(size) + 1; cap(buf) < need { // +1: EOF is seen without growing
		buf = make([]byte, 0, need)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return buf, err
		}
	}
	if limit > 0 && int64(len(buf)) > limit {
		return buf, errTooLarge{limit}
	}
	return buf, nil
}

//go:build unix

package scan

import "syscall"

// openNonblock makes opening a FIFO return at once instead of waiting for
// a writer; for a regular file it changes nothing.
const openNonblock = syscall.O_NONBLOCK

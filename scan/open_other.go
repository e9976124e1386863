//go:build !unix

package scan

// openNonblock is only needed where FIFOs block on open.
const openNonblock = 0

//go:build !unix

package main

// openNoFollow is not available here: appendFileCommand refuses a link it
// finds with Lstat before opening instead.
const openNoFollow = 0

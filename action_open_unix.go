//go:build unix

package main

import "syscall"

// openNoFollow makes opening a runner's file fail on a symbolic link
// instead of writing through it.
const openNoFollow = syscall.O_NOFOLLOW

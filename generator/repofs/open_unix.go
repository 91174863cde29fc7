//go:build unix

package repofs

import "syscall"

// nonBlocking makes an open of a named pipe return at once instead of
// waiting for a writer; regular files and folders ignore it.
const nonBlocking = syscall.O_NONBLOCK

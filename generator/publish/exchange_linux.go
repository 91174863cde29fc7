package publish

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// exchangeSupported says whether this system has an exchange at all; a
// file system may still refuse it (errNoExchange).
const exchangeSupported = true

// errNoExchange is returned by exchange where the system or the file
// system cannot trade two names in one step.
var errNoExchange = errors.New("the file system cannot exchange two folders")

// exchange makes a name b's folder and b name a's, in one step.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	// EINVAL: a file system without RENAME_EXCHANGE (some overlayfs and
	// NFS mounts); ENOSYS: a kernel without renameat2 (before 3.15).
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return fmt.Errorf("%w: %w", errNoExchange, err)
	}
	return err
}

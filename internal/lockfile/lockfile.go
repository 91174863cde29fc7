// Package lockfile keeps two changebook processes from writing the same
// thing at once: a lock is a file held with flock(2) (LockFileEx on
// Windows), which the system releases when its process ends, even by
// SIGKILL. The file itself is removed by the holder when it lets go, so a
// lock leaves nothing behind; one left by a killed process holds nothing,
// and the next holder takes it and removes it. Only this package knows
// github.com/gofrs/flock.
package lockfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/gofrs/flock"
)

// ErrHeld is returned by TryLock while another holder has the lock.
var ErrHeld = errors.New("the lock is held")

// Lock is a held lock.
type Lock struct {
	f *flock.Flock
}

// TryLock takes the lock at path, creating its file, or returns ErrHeld
// at once. Something other than a regular file at path is refused: a lock
// file sits in folders others write to (a sign's beside the record), and
// a link committed there would have the lock create, then remove, a file
// wherever it leads.
func TryLock(path string) (*Lock, error) {
	if info, err := os.Lstat(path); err == nil && !info.Mode().IsRegular() {
		return nil, fmt.Errorf("the lock file %s is not a regular file (%v): remove it", path, info.Mode().Type())
	}
	f := flock.New(path)
	ok, err := f.TryLock()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrHeld
	}
	// The holder removes the file before it lets go: if it did so between
	// our open and our lock, we hold a file nobody else will see, and
	// another process may hold the new one at path.
	held, err1 := f.Stat()
	now, err2 := os.Stat(path)
	if err1 != nil || err2 != nil || !os.SameFile(held, now) {
		f.Close()
		return nil, ErrHeld
	}
	return &Lock{f: f}, nil
}

// Wait takes the lock at path, trying again every poll until ctx is done;
// the error then wraps ErrHeld and the context's.
func Wait(ctx context.Context, path string, poll time.Duration) (*Lock, error) {
	for {
		l, err := TryLock(path)
		if !errors.Is(err, ErrHeld) {
			return l, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: %w", ErrHeld, context.Cause(ctx))
		case <-time.After(poll):
		}
	}
}

// Path is the lock's file.
func (l *Lock) Path() string { return l.f.Path() }

// Unlock removes the lock's file, then releases it (see TryLock).
func (l *Lock) Unlock() {
	os.Remove(l.f.Path())
	l.f.Close()
}

package lockfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestOneHolderAtATime(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".x.lock")
	first, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TryLock(path); !errors.Is(err, ErrHeld) {
		t.Fatalf("second TryLock: %v; want ErrHeld", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := Wait(ctx, path, 5*time.Millisecond); !errors.Is(err, ErrHeld) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait on a held lock: %v; want ErrHeld and the deadline", err)
	}

	got := make(chan error, 1)
	go func() {
		l, err := Wait(context.Background(), path, time.Millisecond)
		if err == nil {
			l.Unlock()
		}
		got <- err
	}()
	time.Sleep(10 * time.Millisecond)
	first.Unlock()
	if err := <-got; err != nil {
		t.Fatalf("Wait after the holder let go: %v", err)
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("the lock file is left: %v", err)
	}
}

// TestTakesAStaleFile: a lock file that a killed process left holds
// nothing; the next holder takes it and removes it when done.
func TestTakesAStaleFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".x.lock")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	if l.Path() != path {
		t.Errorf("Path() = %s; want %s", l.Path(), path)
	}
	l.Unlock()
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("the stale lock file is left: %v", err)
	}
}

// TestRefusesALink: a link where the lock file goes (a pull request can
// commit one beside a record) is refused, and nothing is created or
// removed where it leads: locking through it created the target, and
// unlocking removed the link.
func TestRefusesALink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "elsewhere")
	path := filepath.Join(dir, ".x.lock")
	if err := os.Symlink(target, path); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if l, err := TryLock(path); err == nil {
		l.Unlock()
		t.Fatal("TryLock took a lock through a link")
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the link's target was created: %v", err)
	}
	if _, err := os.Lstat(path); err != nil {
		t.Errorf("the link was removed: %v", err)
	}
}

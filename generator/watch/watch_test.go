package watch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock moves only when the test says so. NewTimer reports each timer
// it makes on made, so a test knows the batcher has seen an event.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	made   chan struct{}
}

type fakeTimer struct {
	at      time.Time
	c       chan time.Time
	stopped bool
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }
func (t *fakeTimer) Stop() bool          { t.stopped = true; return true }

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), made: make(chan struct{}, 100)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	t := &fakeTimer{at: c.now.Add(d), c: make(chan time.Time, 1)}
	c.timers = append(c.timers, t)
	c.mu.Unlock()
	c.made <- struct{}{}
	return t
}

func (c *fakeClock) NewTicker(time.Duration) Ticker { panic("not used") }

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for _, t := range c.timers {
		if !t.stopped && !t.at.After(c.now) {
			t.stopped = true
			t.c <- c.now
		}
	}
}

func TestBatcher(t *testing.T) {
	clock := newFakeClock()
	in := make(chan string)
	out := make(chan []string, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go NewBatcher(clock, 50*time.Millisecond, 200*time.Millisecond).Run(ctx, in, out)
	send := func(name string) {
		in <- name
		<-clock.made
	}
	none := func(when string) {
		t.Helper()
		select {
		case b := <-out:
			t.Fatalf("%s: a batch %v came early", when, b)
		case <-time.After(20 * time.Millisecond):
		}
	}
	batch := func() []string {
		t.Helper()
		select {
		case b := <-out:
			return b
		case <-time.After(2 * time.Second):
			t.Fatal("no batch")
			return nil
		}
	}

	// A rename-style save: three events, one batch, once quiet.
	send("changes/CHG-1.md~")
	send("changes/CHG-1.md")
	send("changes/CHG-1.md")
	clock.advance(40 * time.Millisecond)
	none("40 ms after the last event")
	clock.advance(10 * time.Millisecond)
	if b := batch(); !slices.Equal(b, []string{"changes/CHG-1.md", "changes/CHG-1.md~"}) {
		t.Errorf("batch %v", b)
	}

	// A checkout that goes on: a batch at most every 200 ms.
	for i := range 6 {
		send("changes/" + string(rune('a'+i)) + ".md")
		clock.advance(40 * time.Millisecond)
	}
	if b := batch(); len(b) != 5 {
		t.Errorf("after 200 ms of changes: batch of %d, want the 5 seen by then", len(b))
	}
	clock.advance(50 * time.Millisecond)
	if b := batch(); !slices.Equal(b, []string{"changes/f.md"}) {
		t.Errorf("the rest: %v", b)
	}
}

func TestIgnored(t *testing.T) {
	for name, want := range map[string]bool{
		"changes/CHG-1.md": false, "changes/.CHG-1.md.swp": true, "changes/CHG-1.md~": true,
		"changes/4913": true, "changes/.#CHG-1.md": true, "changes/#CHG-1.md#": true,
		".git/index": true, "public/index.html": true, "changebook.yaml": false, "theme/assets/main.css": false,
	} {
		if got := Ignored(name, []string{"public"}); got != want {
			t.Errorf("Ignored(%q) = %v", name, got)
		}
	}
}

// TestWatchTree: real notifications (and polling) see a plain write, a
// rename-style save, a file in a new folder and a deletion.
func TestWatchTree(t *testing.T) {
	for _, poll := range []bool{false, true} {
		t.Run(map[bool]string{false: "notify", true: "poll"}[poll], func(t *testing.T) {
			dir := t.TempDir()
			write := func(name, content string) {
				p := filepath.Join(dir, filepath.FromSlash(name))
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write("changes/a.md", "a")
			write("changes/b.md", "b")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			w, err := Start(ctx, dir, Options{Poll: poll, Interval: 20 * time.Millisecond, Quiet: 30 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			expect := func(what string, want ...string) {
				t.Helper()
				seen := map[string]bool{}
				deadline := time.After(5 * time.Second)
				for {
					ok := true
					for _, n := range want {
						ok = ok && seen[n]
					}
					if ok {
						return
					}
					select {
					case b := <-w.C:
						for _, n := range b {
							seen[n] = true
						}
					case <-deadline:
						t.Fatalf("%s: saw %v, want %v", what, seen, want)
					}
				}
			}
			time.Sleep(50 * time.Millisecond) // poll's first snapshot
			write("changes/a.md", "a2")
			expect("a plain write", "changes/a.md")

			// vim/JetBrains: write a temp file, rename it over the original.
			write("changes/.b.md.tmp", "b2 longer")
			if err := os.Rename(filepath.Join(dir, "changes/.b.md.tmp"), filepath.Join(dir, "changes/b.md")); err != nil {
				t.Fatal(err)
			}
			expect("a rename-style save", "changes/b.md")

			write("changes/2026-q3/c.md", "c")
			expect("a file in a new folder", "changes/2026-q3/c.md")
			write("changes/2026-q3/c.md", "c2 longer")
			expect("an edit in the new folder", "changes/2026-q3/c.md")

			os.Remove(filepath.Join(dir, "changes/a.md"))
			expect("a deletion", "changes/a.md")

			write("changes/.x.md.swp", "swap")
			write("changes/d.md", "d")
			select {
			case b := <-w.C:
				if slices.ContainsFunc(b, func(n string) bool { return strings.HasSuffix(n, ".swp") }) {
					t.Errorf("a swap file was reported: %v", b)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no batch")
			}
		})
	}
}

// TestWatchFolders: a folder moved out reports every file it held (file
// notifications name only the folder), and what is then written in it
// elsewhere is not reported; a folder moved in, or renamed, reports
// its files under their new names.
func TestWatchFolders(t *testing.T) {
	for _, poll := range []bool{false, true} {
		t.Run(map[bool]string{false: "notify", true: "poll"}[poll], func(t *testing.T) {
			dir, outside := t.TempDir(), t.TempDir()
			write := func(p, content string) {
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			in := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }
			write(in("changes/keep.md"), "k")
			write(in("changes/2026-q2/x.md"), "x")
			write(in("changes/2026-q2/sub/y.md"), "y")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			w, err := Start(ctx, dir, Options{Poll: poll, Interval: 20 * time.Millisecond, Quiet: 30 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			expect := func(what string, want ...string) {
				t.Helper()
				deadline := time.After(5 * time.Second)
				for {
					ok := true
					for _, n := range want {
						ok = ok && seen[n]
					}
					if ok {
						clear(seen)
						return
					}
					select {
					case b := <-w.C:
						for _, n := range b {
							seen[n] = true
						}
					case <-deadline:
						t.Fatalf("%s: saw %v, want %v", what, seen, want)
					}
				}
			}
			rename := func(from, to string) {
				t.Helper()
				if err := os.Rename(from, to); err != nil {
					t.Fatal(err)
				}
			}
			time.Sleep(50 * time.Millisecond) // poll's first snapshot

			rename(in("changes/2026-q2"), filepath.Join(outside, "2026-q2"))
			expect("a folder moved out", "changes/2026-q2/x.md", "changes/2026-q2/sub/y.md")

			write(filepath.Join(outside, "2026-q2/x.md"), "x, edited elsewhere")
			write(in("changes/keep.md"), "k2")
			expect("an edit after", "changes/keep.md")
			if seen["changes/2026-q2/x.md"] {
				t.Error("a file of the folder moved out was reported after it left")
			}

			rename(filepath.Join(outside, "2026-q2"), in("changes/2026-q3"))
			expect("a folder moved in", "changes/2026-q3/x.md", "changes/2026-q3/sub/y.md")

			rename(in("changes/2026-q3"), in("changes/2026-q4"))
			expect("a folder renamed", "changes/2026-q3/x.md", "changes/2026-q3/sub/y.md", "changes/2026-q4/x.md", "changes/2026-q4/sub/y.md")

			write(in("changes/2026-q4/sub/y.md"), "y, edited")
			expect("an edit in the renamed folder", "changes/2026-q4/sub/y.md")
		})
	}
}

package watch

import (
	"context"
	"maps"
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
	clock   *fakeClock
	at      time.Time
	c       chan time.Time
	stopped bool
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }
func (t *fakeTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	t.stopped = true
	return true
}

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
	t := &fakeTimer{clock: c, at: c.now.Add(d), c: make(chan time.Time, 1)}
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

	// A checkout that goes on: a batch at most every 200 ms. The fifth
	// step reaches 200 ms and fires the timer; the test takes that batch
	// before the next event, because a batcher that has both a fired timer
	// and an event ready may take either first (CI once saw a batch of 6).
	for i := range 5 {
		send("changes/" + string(rune('a'+i)) + ".md")
		clock.advance(40 * time.Millisecond)
	}
	if b := batch(); len(b) != 5 {
		t.Errorf("after 200 ms of changes: batch of %d, want the 5 seen by then", len(b))
	}
	send("changes/f.md")
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
		"changes/sedAb3xQ9": true, "changes/5036": true, "changes/CHG-1.md___jb_tmp___": true,
		"changes/CHG-1.md___jb_old___": true, "changes/.goutputstream-ZK2Q81": true, "changes/.CHG-1.md.kate-swp": true,
		// Near misses are files like any other.
		"changes/sed.md": false, "changes/sedan-rollout.md": false, "changes/4914": false, "changes/04913": false,
		"changes/#1.md": false, "theme/assets/sedAb3xQ9.css": false,
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

// TestEditorSaves: each editor's way of saving a record (temporary
// files, backups, lock links, renames) is reported as the record alone:
// the preview says "1 changed: changes/a.md", not the editor's litter.
func TestEditorSaves(t *testing.T) {
	saves := map[string][]string{
		// GNU sed -i writes a sibling temp file and renames it over.
		"sed -i": {"write changes/sedAb3xQ9 x", "rename changes/sedAb3xQ9 changes/a.md"},
		// vim probes with 4913 (or 4913+123k), keeps a ~ backup and a
		// .swp swap file, and writes the file again.
		"vim": {"write changes/.a.md.swp s", "write changes/4913 ", "remove changes/4913", "write changes/5036 ", "remove changes/5036",
			"rename changes/a.md changes/a.md~", "write changes/a.md x", "remove changes/a.md~", "remove changes/.a.md.swp"},
		// emacs: a .# lock link, a #...# auto-save, a ~ backup.
		"emacs": {"link changes/.#a.md", "write changes/#a.md# x", "rename changes/a.md changes/a.md~", "write changes/a.md x",
			"remove changes/#a.md#", "remove changes/.#a.md"},
		// JetBrains' safe write: a ___jb_tmp___ copy, the original kept as
		// ___jb_old___ until the rename.
		"jetbrains": {"write changes/a.md___jb_tmp___ x", "rename changes/a.md changes/a.md___jb_old___",
			"rename changes/a.md___jb_tmp___ changes/a.md", "remove changes/a.md___jb_old___"},
		// gedit (GIO) writes a .goutputstream-XXXXXX and renames it over.
		"gedit": {"write changes/.goutputstream-ZK2Q81 x", "rename changes/.goutputstream-ZK2Q81 changes/a.md"},
		// Kate's swap file.
		"kate": {"write changes/.a.md.kate-swp s", "write changes/a.md x", "remove changes/.a.md.kate-swp"},
	}
	for _, poll := range []bool{false, true} {
		for editor, ops := range saves {
			t.Run(map[bool]string{false: "notify", true: "poll"}[poll]+"/"+editor, func(t *testing.T) {
				dir := t.TempDir()
				in := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }
				os.MkdirAll(in("changes"), 0o755)
				if err := os.WriteFile(in("changes/a.md"), []byte("a"), 0o644); err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				w, err := Start(ctx, dir, Options{Poll: poll, Interval: 20 * time.Millisecond, Quiet: 30 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				time.Sleep(50 * time.Millisecond) // poll's first snapshot
				for _, op := range ops {
					f := strings.Fields(op)
					var err error
					switch f[0] {
					case "write":
						err = os.WriteFile(in(f[1]), []byte(strings.Join(f[2:], " ")+strings.Repeat("!", len(f))), 0o644)
					case "rename":
						err = os.Rename(in(f[1]), in(f[2]))
					case "remove":
						err = os.Remove(in(f[1]))
					case "link":
						err = os.Symlink("user@host.4242:1700000000", in(f[1]))
					}
					if err != nil {
						t.Fatal(op, err)
					}
					// Poll must see the in-between states too.
					time.Sleep(25 * time.Millisecond)
				}
				seen := map[string]bool{}
				deadline := time.After(5 * time.Second)
				for !seen["changes/a.md"] {
					select {
					case b := <-w.C:
						for _, n := range b {
							seen[n] = true
						}
					case <-deadline:
						t.Fatalf("no batch with changes/a.md; saw %v", seen)
					}
				}
				// Whatever else comes within the next quiet spell counts too.
				for quiet := time.After(200 * time.Millisecond); ; {
					select {
					case b := <-w.C:
						for _, n := range b {
							seen[n] = true
						}
						continue
					case <-quiet:
					}
					break
				}
				delete(seen, "changes/a.md")
				if len(seen) > 0 {
					t.Errorf("the editor's own files were reported as changed: %v", slices.Sorted(maps.Keys(seen)))
				}
			})
		}
	}
}

package pagename

import "testing"

func TestSlug(t *testing.T) {
	for name, want := range map[string]string{
		"api": "api", "CHG-0042": "CHG-0042", "webhook_dispatcher.v2": "webhook_dispatcher.v2",
		"a b": "a-b", "../../etc/passwd": "-..-etc-passwd", ".": "-", "..": "-", "": "-", "...x...": "x",
		"index.html": "index-.html", "INDEX.HTML": "INDEX-.HTML", "index.htm": "index.htm",
		"con": "con-", "NUL.txt": "NUL-.txt", "com1": "com1-", "lpt9.x.y": "lpt9-.x.y", "com0": "com0", "console": "console",
		"sökning": "s-kning", "<svg onload=alert(1)>": "-svg-onload-alert-1--",
	} {
		if got := Slug(name); got != want {
			t.Errorf("Slug(%q) = %q; want %q", name, got, want)
		}
	}
}

// FuzzSlug: whatever the name, its slug is one segment
// that is not a name the site writes, nor "." or "..".
func FuzzSlug(f *testing.F) {
	for _, s := range []string{"index.html", "a/b", "..", "con.txt", "API"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		s := Slug(name)
		if s == "" || s == "." || s == ".." || reserved(s) {
			t.Errorf("Slug(%q) = %q", name, s)
		}
		for _, r := range s {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
				t.Errorf("Slug(%q) = %q holds %q", name, s, r)
			}
		}
	})
}

func TestKey(t *testing.T) {
	if Key(Slug("API")) != Key(Slug("api")) || Key(Slug("a b")) != Key(Slug("a-b")) || Key(Slug("api")) == Key(Slug("apis")) {
		t.Error("Key does not tell collisions")
	}
}

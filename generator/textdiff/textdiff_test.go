package textdiff

import (
	"fmt"
	"strings"
	"testing"
)

func render(lines []Line) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%s %s\n", map[Op]string{Same: " ", Removed: "-", Added: "+"}[l.Op], l.Text)
	}
	return b.String()
}

func TestLines(t *testing.T) {
	for _, tt := range []struct{ then, now, want string }{
		{"1. drain\n2. migrate\n3. resume", "1. drain\n2. DROP TABLE delivery_log CASCADE;\n3. resume",
			"  1. drain\n- 2. migrate\n+ 2. DROP TABLE delivery_log CASCADE;\n  3. resume\n"},
		{"", "a new rollback", "+ a new rollback\n"},
		{"one line", "", "- one line\n"},
		{"same", "same", "  same\n"},
		{"a\nb", "a\nb\nc", "  a\n  b\n+ c\n"},
	} {
		if got := render(Lines(tt.then, tt.now)); got != tt.want {
			t.Errorf("Lines(%q, %q):\n%s\nwant:\n%s", tt.then, tt.now, got, tt.want)
		}
	}
}

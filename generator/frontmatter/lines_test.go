package frontmatter

import "testing"

func TestIsDelimiterLine(t *testing.T) {
	for line, want := range map[string]bool{"---": true, "+++\r": true, "{": true, " { ": true, "": false, "title: x": false, "}": false, "----": false} {
		if got := IsDelimiterLine(line); got != want {
			t.Errorf("IsDelimiterLine(%q) = %v", line, got)
		}
	}
}

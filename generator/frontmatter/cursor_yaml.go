package frontmatter

import (
	"regexp"
	"strings"
)

// The cursor in a YAML front matter (between "---" lines) is read line by
// line: the keys of the block mappings above it by indentation, and a
// flow mapping being written on the cursor's line ("request: { by: a, d").

var (
	yamlKeyPrefix  = regexp.MustCompile(`^(\s*)(-\s+)?([A-Za-z_]*)$`)
	yamlValueAfter = regexp.MustCompile(`^(\s*)(-\s+)?([A-Za-z_]+):\s*(?:\[(?:[^\]]*,\s*)?)?([^\s,\[\]]*)$`)
	yamlKeyOnLine  = regexp.MustCompile(`^(\s*)(-\s+)?([A-Za-z_]+):`)
	yamlFlowKey    = regexp.MustCompile(`(?:^|,)\s*([A-Za-z_]+):\s*([^\s,{}]*)$`)
	yamlFlowKeys   = regexp.MustCompile(`([A-Za-z_]+):`)
	yamlFlowParent = regexp.MustCompile(`^(\s*)([A-Za-z_]+):\s*\{`)
)

// yamlCursor reads the cursor at the end of before, the start of line n
// of lines.
func yamlCursor(lines []string, n int, before string) (Cursor, bool) {
	// Inside a one-line mapping: "request: { by: alice, da|".
	if m := yamlFlowParent.FindStringSubmatch(before); m != nil && !strings.Contains(before, "}") {
		path := append(yamlParents(lines, n, len(m[1])), m[2])
		inner := before[strings.Index(before, "{")+1:]
		if k := yamlFlowKey.FindStringSubmatch(inner); k != nil {
			return Cursor{Format: YAML, Path: append(path, k[1]), AtValue: true}, true
		}
		var present []string
		for _, k := range yamlFlowKeys.FindAllStringSubmatch(inner, -1) {
			present = append(present, k[1])
		}
		return Cursor{Format: YAML, Path: path, Present: present}, true
	}
	if m := yamlValueAfter.FindStringSubmatch(before); m != nil {
		indent := len(m[1]) + len(m[2])
		return Cursor{Format: YAML, Path: append(yamlParents(lines, n, indent), m[3]), AtValue: true}, true
	}
	if m := yamlKeyPrefix.FindStringSubmatch(before); m != nil {
		indent := len(m[1]) + len(m[2])
		return Cursor{Format: YAML, Path: yamlParents(lines, n, indent), Present: yamlSiblings(lines, n, indent)}, true
	}
	return Cursor{}, false
}

// yamlKeyAt returns the path of the key written on line n, or nil.
func yamlKeyAt(lines []string, n int) []string {
	m := yamlKeyOnLine.FindStringSubmatch(lines[n])
	if m == nil {
		return nil
	}
	indent := len(m[1]) + len(m[2])
	return append(yamlParents(lines, n, indent), m[3])
}

// yamlParents returns the keys of the mappings that hold a line of line
// n indented by indent: the nearest less indented key above, and its own
// parents. A list item ("- ") stands for its list's key.
func yamlParents(lines []string, n, indent int) []string {
	var path []string
	want := indent
	for i := n - 1; i > 0 && want > 0; i-- {
		l := lines[i]
		trimmed := strings.TrimLeft(l, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		ind := len(l) - len(trimmed)
		if ind >= want {
			continue
		}
		if strings.HasPrefix(trimmed, "- ") {
			// Inside this item: its list's key is further up.
			want = ind
			continue
		}
		if m := yamlKeyOnLine.FindStringSubmatch(l); m != nil {
			path = append([]string{m[3]}, path...)
		}
		want = ind
	}
	return path
}

// yamlSiblings returns the keys already written at indent around line n,
// in the same mapping.
func yamlSiblings(lines []string, n, indent int) []string {
	var keys []string
	for _, dir := range []int{-1, 1} {
		for i := n + dir; i > 0 && i < len(lines); i += dir {
			l := lines[i]
			trimmed := strings.TrimLeft(l, " ")
			if strings.TrimSpace(l) == "---" {
				break
			}
			if trimmed == "" || strings.HasPrefix(trimmed, "#") {
				continue
			}
			ind := len(l) - len(trimmed)
			if m := yamlKeyOnLine.FindStringSubmatch(l); m != nil && len(m[1])+len(m[2]) == indent {
				keys = append(keys, m[3])
				if m[2] != "" { // the first key of a list item
					break
				}
				continue
			}
			if ind < indent {
				break
			}
		}
	}
	return keys
}

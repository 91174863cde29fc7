package frontmatter

import "strings"

// OnlyKey returns a file whose YAML front matter holds only the top-level
// key of content's: its own line and the indented, blank or comment lines
// after it, up to the next line that starts at the margin. A caller that
// needs one field of many versions of a record (the sign-offs of a
// history) parses that instead of the whole front matter. It is false
// when content's front matter is not YAML, has no such key, or the
// key's block cannot be cut out cleanly (it runs to the closing "---").
func OnlyKey(content []byte, key string) ([]byte, bool) {
	text := string(content)
	text = strings.TrimPrefix(text, "\ufeff")
	if !strings.HasPrefix(text, "---\n") && !strings.HasPrefix(text, "---\r\n") {
		return nil, false
	}
	var block strings.Builder
	block.WriteString("---\n")
	in := false
	for _, line := range strings.SplitAfter(text, "\n")[1:] {
		bare := strings.TrimRight(line, "\r\n")
		if !in {
			if bare == "---" || bare == "..." {
				return nil, false
			}
			if strings.HasPrefix(bare, key+":") {
				in = true
				block.WriteString(line)
			}
			continue
		}
		if bare != "" && bare[0] != ' ' && bare[0] != '\t' && bare[0] != '#' {
			block.WriteString("---\n")
			return []byte(block.String()), true
		}
		block.WriteString(line)
	}
	return nil, false
}

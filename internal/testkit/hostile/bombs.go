package hostile

import (
	"strconv"
	"strings"
)

// Bomb is a front matter whose cost used to grow faster than its size.
type Bomb struct {
	Name string
	// Src is the whole record file.
	Src string
	// Rule is the rule of the first finding it must get ("front-matter-limit"
	// or "duplicate-key"; the rule ids of generator/frontmatter, which the
	// packages this one serves cannot be imported from here).
	Rule string
}

// Bombs returns the bomb shapes at about size bytes each: nesting in all
// three formats (which the depth limit only saw once the TOML library had
// built the whole tree), dotted TOML keys and headers (each part is a level),
// and thousands of findings or values on one long line.
func Bombs(size int) []Bomb {
	n := size / 10
	const limit, dup = "front-matter-limit", "duplicate-key"
	return []Bomb{
		{"toml-inline-tables", "+++\na = " + strings.Repeat("{b = ", n*2) + "1" + strings.Repeat("}", n*2) + "\n+++\n", limit},
		{"toml-arrays", "+++\na = " + strings.Repeat("[", n*5) + strings.Repeat("]", n*5) + "\n+++\n", limit},
		{"toml-arrays-of-tables", "+++\na = " + strings.Repeat("[{b = ", n) + strings.Repeat("}]", n) + "\n+++\n", limit},
		{"toml-dotted-key", "+++\n" + strings.Repeat("a.", n*5) + "a = 1\n+++\n", limit},
		{"toml-dotted-quoted-key", "+++\n" + strings.Repeat(`"a".`, n*2) + "a = 1\n+++\n", limit},
		{"toml-dotted-header", "+++\n[" + strings.Repeat("a.", n*5) + "a]\nb = 1\n+++\n", limit},
		{"toml-dotted-array-header", "+++\n[[" + strings.Repeat("a.", n*5) + "a]]\nb = 1\n+++\n", limit},
		{"toml-dotted-inline-key", "+++\na = {" + strings.Repeat("a.", n*5) + "a = 1}\n+++\n", limit},
		{"toml-wide-array-one-line", "+++\na = [" + strings.Repeat("1,", n*5) + "1]\n+++\n", limit},
		{"json-arrays", "{\n\"a\": " + strings.Repeat("[", n*5) + strings.Repeat("]", n*5) + "\n}\n", limit},
		{"json-objects", "{\n\"a\": " + strings.Repeat(`{"a":`, n*2) + "1" + strings.Repeat("}", n*2) + "\n}\n", limit},
		{"json-duplicate-keys-one-line", "{\n\"id\": \"x\", " + strings.Repeat(`"a": 1, `, n) + "\"b\": 2\n}\n", dup},
		// Many values each nested just under the depth limit, 400 of them
		// (24,400 values, past the budget of 20,000) whatever the size: the
		// TOML library built the whole tree (1 MB: 3 s, 1 GB) before the
		// node budget saw it.
		{"toml-many-deep-inline-tables", "+++\n" + manyLines(400, func(i int) string {
			return "k" + strconv.Itoa(i) + " = " + strings.Repeat("{b=", 60) + "1" + strings.Repeat("}", 60)
		}) + "+++\n", limit},
		// Many dotted keys and headers of 62 parts, each within the depth
		// limit: 1 MB of them took 7.8 s and 1.1 GB (keys), 1.5 s and
		// 760 MB (headers), the library copying each key's path per part.
		{"toml-many-dotted-keys", "+++\n" + manyLines(400, func(i int) string {
			return "k" + strconv.Itoa(i) + strings.Repeat(".a", 62) + " = 1"
		}) + "+++\n", limit},
		{"toml-many-dotted-headers", "+++\n" + manyLines(400, func(i int) string {
			return "[k" + strconv.Itoa(i) + strings.Repeat(".a", 62) + "]"
		}) + "+++\n", limit},
		{"json-many-deep-objects", "{\n" + manyLines(400, func(i int) string {
			return `"k` + strconv.Itoa(i) + `": ` + strings.Repeat(`{"b":`, 60) + "1" + strings.Repeat("}", 60) + ","
		}) + "\"z\": 1\n}\n", limit},
		{"yaml-many-deep-flow-mappings", "---\n" + manyLines(400, func(i int) string {
			return "k" + strconv.Itoa(i) + ": " + strings.Repeat("{b: ", 60) + "1" + strings.Repeat("}", 60)
		}) + "---\n", limit},
		// yaml.v3 refuses more than 10,000 levels itself, quickly.
		{"yaml-flow-sequences", "---\na: " + strings.Repeat("[", min(n*5, 9000)) + strings.Repeat("]", min(n*5, 9000)) + "\n---\n", limit},
		{"yaml-flow-mappings", "---\na: " + strings.Repeat("{a: ", min(n*2, 9000)) + "1" + strings.Repeat("}", min(n*2, 9000)) + "\n---\n", limit},
		// Block nesting costs the square of its depth in indentation: 300
		// levels are 45 KB whatever the size.
		{"yaml-block-mappings", "---\n" + blockYAML(300) + "---\n", limit},
		{"yaml-duplicate-keys-one-line", "---\nb: {" + strings.Repeat("a: 1, ", n) + "c: 2}\n---\n", dup},
	}
}

// manyLines is n lines, line(i) each.
func manyLines(n int, line func(i int) string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(line(i) + "\n")
	}
	return b.String()
}

func blockYAML(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	return b.String()
}

package frontmatter

import (
	"runtime"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/internal/testkit/hostile"
)

// allocated returns the bytes f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestBombsCostLinearly: every bomb shape of 100 KB is rejected with its
// rule, and what decoding it allocates grows linearly with its size (four
// times the text, at most about four times the bytes) and stays a small
// multiple of it. Bytes allocated do not flake on a busy machine the way a
// time would; before the depth pre-scan 20,000 nested TOML inline tables
// took 54 s and 15.7 GB, and 10,000 keys on one line took a third of a
// second counting columns from the line's start for each.
func TestBombsCostLinearly(t *testing.T) {
	small, large := hostile.Bombs(25_000), hostile.Bombs(100_000)
	for i, b := range large {
		t.Run(b.Name, func(t *testing.T) {
			var fs []diag.Finding
			got := allocated(func() { _, fs = Parse("x.md", []byte(b.Src), Limits{}) })
			if b.Rule != "" && (len(fs) == 0 || fs[0].Rule != b.Rule) {
				t.Errorf("findings %.300v; want %s first", fs, b.Rule)
			}
			for _, f := range fs {
				if f.Pos.Line < 1 {
					t.Errorf("finding without a line: %+v", f)
				}
			}
			if limit := uint64(256*len(b.Src) + 4<<20); got > limit {
				t.Errorf("allocated %d MB for %d KB; want under %d MB", got>>20, len(b.Src)>>10, limit>>20)
			}
			quarter := allocated(func() { Parse("x.md", []byte(small[i].Src), Limits{}) })
			if got > 6*quarter+1<<20 {
				t.Errorf("allocated %d KB for %d KB but %d KB for %d KB: more than linear", got>>10, len(b.Src)>>10, quarter>>10, len(small[i].Src)>>10)
			}
		})
	}
}

// treeDepth is the depth the decoder's budget counts: the root is 0, each
// value one more than the mapping or list it is in.
func treeDepth(n *Node) int {
	d := 0
	for _, c := range n.Items {
		d = max(d, treeDepth(c)+1)
	}
	for _, p := range n.Pairs {
		d = max(d, treeDepth(p.Value)+1)
	}
	return d
}

// TestTOMLDepthScanCountsLikeTheDecoder: at the limit a TOML text passes,
// one level deeper it gets the limit finding, whatever the nesting is made
// of; brackets, braces and dots inside strings and comments count for
// nothing.
func TestTOMLDepthScanCountsLikeTheDecoder(t *testing.T) {
	const max = 6
	noise := "s1 = \"[[{{a.b.c\" # [[{{ a.b\ns2 = 'x.y[{'\ns3 = \"\"\"\n[[[{{{\na.b.c.d.e.f.g = 1\n\"\"\"\ns4 = '''\n]]]}}}[[[\n'''\n"
	shapes := map[string]func(depth int) string{
		// a value at depth d: d key parts...
		"dotted-key": func(d int) string { return strings.Repeat("a.", d-1) + "a = 1\n" },
		"quoted-dotted-key": func(d int) string {
			return strings.Repeat(`"a.b".`, d-1) + "'c' = 1\n"
		},
		// ...or a header of h parts and a key of d-h parts...
		"header": func(d int) string { return "[" + strings.Repeat("a.", d-2) + "a]\nb = 1\n" },
		// ...or an array of tables (its element is a level)...
		"array-table": func(d int) string { return "[[" + strings.Repeat("a.", d-3) + "a]]\nb = 1\n" },
		// ...or arrays, whose elements are a level each...
		"arrays": func(d int) string { return "a = " + strings.Repeat("[", d-1) + "1" + strings.Repeat("]", d-1) + "\n" },
		"empty-arrays": func(d int) string {
			return "a = " + strings.Repeat("[", d) + strings.Repeat("]", d) + "\n"
		},
		// ...or inline tables with dotted keys inside.
		"inline-tables": func(d int) string {
			return "a = " + strings.Repeat("{ b.c = ", (d-1)/2) + "1" + strings.Repeat(" }", (d-1)/2) + "\n"
		},
		"mixed": func(d int) string {
			return "[x]\na = [ { b = [ " + strings.Repeat("[", d-5) + "1" + strings.Repeat("]", d-5) + " ] } ]\n"
		},
	}
	for name, shape := range shapes {
		t.Run(name, func(t *testing.T) {
			at := shape(max)
			doc, fs := Parse("x.md", []byte("+++\n"+noise+at+"+++\n"), Limits{MaxDepth: max})
			if len(fs) != 0 {
				t.Fatalf("at the limit: %+v", fs)
			}
			if d := treeDepth(doc.Root); d > max {
				t.Fatalf("the shape is %d deep", d)
			}
			over := shape(max + 2)
			_, fs = Parse("x.md", []byte("+++\n"+noise+over+"+++\n"), Limits{MaxDepth: max})
			if len(fs) != 1 || fs[0].Rule != RuleLimit || fs[0].Pos.Line < 11 {
				t.Fatalf("over the limit: %+v", fs)
			}
			if tomlTooDeep([]byte(noise+over), max).deepAt < 0 {
				t.Errorf("the scan let it through to the parser")
			}
		})
	}
}

// TestWideTextsAreRefusedUnparsed: a YAML or TOML list of 500,000 values is
// refused before its library builds a tree of it (yaml.v3's took 95 MB;
// what the splitter allocates is a small part of that),
// while 1 MB of prose with 100,000 commas still decodes.
func TestWideTextsAreRefusedUnparsed(t *testing.T) {
	for _, src := range []string{
		"---\na: [" + strings.Repeat("1,", 500_000) + "1]\n---\n",
		"---\na:\n" + strings.Repeat("- 1\n", 250_000) + "---\n",
		"+++\na = [" + strings.Repeat("1,", 500_000) + "1]\n+++\n",
	} {
		var fs []diag.Finding
		got := allocated(func() { _, fs = Parse("x.md", []byte(src), Limits{}) })
		if len(fs) != 1 || fs[0].Rule != RuleLimit || got > 32<<20 {
			t.Errorf("%.20q: %d KB allocated, findings %+v", src, got>>10, fs)
		}
	}
	prose := "---\nreason: |\n" + strings.Repeat("  one, two, three, four, five, six, seven, eight, nine, ten\n", 10_000) + "---\n"
	parseOK(t, prose)
}

// TestFindingAYAMLMistakeIsBounded: finding where a YAML syntax error is
// (yamlDoomedAt parses about 20 prefixes) costs little more than the one
// parse that failed when the mistake comes after 30,000 keys, the search
// running on a skeleton without the lines before the mistake's list: 1.4
// times what one parse allocates, 7.1 times without the skeleton. With
// 190,000 keys (about 1 MiB) a mistake costs 133 MB, a valid text 121 MB;
// with 150,000 it was 532 MB and 3 s.
func TestFindingAYAMLMistakeIsBounded(t *testing.T) {
	keys := strings.Repeat("k: v\n", 30_000)
	valid := "---\n" + keys + "risks:\n  - id: R1\n    likelihood: low\n    impact: low\n---\n"
	broken := strings.Replace(valid, "    impact", "   impact", 1)
	one := allocated(func() { // one parse by yaml.v3
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(valid[4:len(valid)-4]), &doc); err != nil {
			t.Fatal(err)
		}
	})
	var fs []diag.Finding
	got := allocated(func() { _, fs = Parse("x.md", []byte(broken), Limits{}) })
	if len(fs) != 1 || fs[0].Pos != at(30_005, 4) {
		t.Fatalf("findings %+v; want one at 30005:4", fs)
	}
	if got > 3*one {
		t.Errorf("allocated %d MB, %.1f times what one parse does (%d MB); want at most 3", got>>20, float64(got)/float64(one), one>>20)
	}
}

// Package layering holds the module's layering as tests: which package
// owns each third-party library, which packages must not link what, and
// that the pipeline alone makes the caches of the incremental build. A rule broken here is a design decision to make on purpose (and
// write down in this table), not by an import added in passing.
package layering

import (
	"bytes"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/changebook/changebook/"

// owners names, for each third-party module the product imports, the one
// package that may import it: the rest of the code sees that package's own
// types. Test helpers and contributor tools (exempt) may import anything.
var owners = map[string]string{
	"github.com/go-git/go-git/v5":       "generator/git",
	"go.yaml.in/yaml/v3":                "generator/frontmatter",
	"github.com/BurntSushi/toml":        "generator/frontmatter",
	"github.com/adrg/frontmatter":       "generator/frontmatter",
	"github.com/yuin/goldmark":          "generator/markdown",
	"github.com/evanw/esbuild":          "generator/assets",
	"github.com/fsnotify/fsnotify":      "generator/watch",
	"github.com/google/jsonschema-go":   "generator/schema",
	"github.com/sourcegraph/jsonrpc2":   "generator/lsp",
	"github.com/owenrumney/go-sarif/v3": "generator/report",
	"github.com/kljensen/snowball":      "generator/search",
	"github.com/agnivade/levenshtein":   "generator/suggest",
	"github.com/hiddeco/sshsig":         "generator/commitsig",
	"github.com/ProtonMail/go-crypto":   "generator/commitsig",
	"golang.org/x/crypto":               "generator/commitsig",
	"github.com/sergi/go-diff":          "generator/textdiff",
	"github.com/arran4/golang-ical":     "generator/calendar",
	"github.com/gofrs/flock":            "internal/lockfile",
	"github.com/spf13/cobra":            "cmd/changebook",
	"github.com/spf13/pflag":            "cmd/changebook",
	"golang.org/x/term":                 "cmd/changebook",
	"golang.org/x/net/netutil":          "generator/serve",
	"golang.org/x/sys/unix":             "generator/publish",
}

// exempt are the folders of test helpers and contributor programs, which
// the product never links.
var exempt = []string{"internal/testkit/", "internal/tools/"}

// mustNotLink: a package, and what its dependencies must not contain.
var mustNotLink = []struct {
	pkg, why string
	not      []string
}{
	{"generator/policy", "the policy judges loaded records; loading, git and rendering are the pipeline's",
		[]string{"github.com/go-git/go-git/v5", "html/template", "generator/repository", "generator/git", "generator/gitaudit", "generator/site"}},
	{"generator/pipeline", "the pipeline reads history through audit.Source; git is gitaudit's, which the command wires in",
		[]string{"github.com/go-git/go-git/v5", "generator/git", "generator/gitaudit"}},
	{"generator/lsp", "an editor's checks read no history",
		[]string{"github.com/go-git/go-git/v5"}},
	{"generator/audit", "an audit is a value the policy reads; reading it from git is the reader's job",
		[]string{"github.com/go-git/go-git/v5"}},
	{"generator/population", "list and export print tables: they must not link the site's renderer",
		[]string{"html/template", "github.com/evanw/esbuild", "github.com/yuin/goldmark", "generator/search", "generator/site", "github.com/go-git/go-git/v5"}},
}

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// list is every package of the module and of its dependencies, by import
// path (the module's own without the module prefix).
func list(t *testing.T) map[string]pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-json=ImportPath,Imports,Deps", module+"...").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[local(p.ImportPath)] = p
	}
	return pkgs
}

// local is an import path as the tables here write it: the module's own
// packages without the module prefix.
func local(path string) string { return strings.TrimPrefix(path, module) }

// ours reports whether p is a package of the module's product: not of
// the standard library or another module, not a test helper or a tool.
func ours(p pkg) bool {
	name, mine := strings.CutPrefix(p.ImportPath, module)
	return mine && !slices.ContainsFunc(exempt, func(dir string) bool { return strings.HasPrefix(name+"/", dir) })
}

// chain is the shortest import path from one package to another, as
// "a -> b -> c", for a message that says where a dependency comes from.
func chain(pkgs map[string]pkg, from, to string) string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		at := queue[0]
		queue = queue[1:]
		if at == to {
			var path []string
			for p := to; p != ""; p = prev[p] {
				path = append([]string{p}, path...)
			}
			return strings.Join(path, " -> ")
		}
		for _, imp := range pkgs[at].Imports {
			if imp = local(imp); !hasKey(prev, imp) {
				prev[imp] = at
				queue = append(queue, imp)
			}
		}
	}
	return from + " -> … -> " + to
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// ownerOf returns the owning module of an import path, if the table has it.
func ownerOf(path string) (module, owner string, ok bool) {
	for m, o := range owners {
		if path == m || strings.HasPrefix(path, m+"/") {
			return m, o, true
		}
	}
	return "", "", false
}

func thirdParty(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return strings.Contains(first, ".") && !strings.HasPrefix(path, module)
}

func TestEachLibraryHasOneOwner(t *testing.T) {
	for name, p := range list(t) {
		if !ours(p) {
			continue
		}
		for _, imp := range p.Imports {
			if !thirdParty(imp) {
				continue
			}
			m, owner, ok := ownerOf(imp)
			switch {
			case !ok:
				t.Errorf("%s imports %s, which has no owner in this table: name the one package that may import it", name, imp)
			case owner != name:
				t.Errorf("%s imports %s (%s), which only %s may import: use %s's API", name, imp, m, owner, owner)
			}
		}
	}
}

func TestLayers(t *testing.T) {
	pkgs := list(t)
	for _, rule := range mustNotLink {
		p, ok := pkgs[rule.pkg]
		if !ok {
			t.Errorf("%s: no such package (the rule names a package that moved)", rule.pkg)
			continue
		}
		for _, not := range rule.not {
			i := slices.IndexFunc(p.Deps, func(dep string) bool {
				dep = local(dep)
				return dep == not || strings.HasPrefix(dep, not+"/")
			})
			if i >= 0 {
				t.Errorf("%s links %s (%s): %s", rule.pkg, not, chain(pkgs, rule.pkg, local(p.Deps[i])), rule.why)
			}
		}
	}
}

// caches are the constructors and types of the incremental build's state,
// by package: only the pipeline makes them, so that what a save rebuilds
// is decided in one place (serve, lsp and sign hand their inputs to a
// pipeline.Session).
var caches = map[string][]string{
	"generator/site":       {"NewBodyCache", "BodyCache", "AssetCache", "ChangeCache"},
	"generator/repository": {"Reuse"},
}

func TestOnlyThePipelineMakesCaches(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			switch {
			case rel == "generator/pipeline", rel == "generator/site", strings.HasPrefix(rel, "internal/testkit"), strings.HasPrefix(rel, "internal/tools"),
				d.Name() == "node_modules", d.Name() == "testdata", rel != "." && strings.HasPrefix(d.Name(), "."):
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		names := map[string][]string{} // local name of an imported package -> its cache names
		for _, imp := range file.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if list, ok := caches[local(p)]; ok {
				name := filepath.Base(p)
				if imp.Name != nil {
					name = imp.Name.Name
				}
				names[name] = list
			}
		}
		ast.Inspect(file, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && slices.Contains(names[x.Name], sel.Sel.Name) {
				t.Errorf("%s uses %s.%s: the incremental build's caches are generator/pipeline's (use a pipeline.Session)", rel, x.Name, sel.Sel.Name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestREADMEMapNamesEveryPackage: the README's map of packages names each
// package of the product, and nothing that is not one (test helpers and
// tools by their folder).
func TestREADMEMapNamesEveryPackage(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "The code is organised as small packages")
	if start < 0 {
		t.Fatal("README.md has no map of packages")
	}
	named := map[string]bool{}
	for _, line := range strings.Split(text[start:], "\n")[1:] {
		if strings.HasPrefix(line, "Pages are pinned") {
			break
		}
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " |")
		for _, name := range strings.Split(first, ", ") {
			named[strings.Trim(name, "`")] = true
		}
	}
	pkgs := list(t)
	for name, p := range pkgs {
		if !ours(p) || name == "internal/layering" {
			continue
		}
		if !named[name] {
			t.Errorf("the README's map of packages does not name %s", name)
		}
	}
	for name := range named {
		if dir, ok := strings.CutSuffix(name, "/…"); ok {
			if !slices.ContainsFunc(exempt, func(e string) bool { return e == dir+"/" }) {
				t.Errorf("the README's map names the folder %s, which holds no test helpers or tools", name)
			}
			continue
		}
		if _, ok := pkgs[name]; !ok {
			t.Errorf("the README's map names %s, which is no package", name)
		}
	}
}

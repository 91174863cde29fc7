package assets

import (
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

var themeFS = fstest.MapFS{
	"assets/main.ts":      {Data: []byte("import { greet } from './lib/greet'\nconst who: string = 'auditor'\ndocument.title = greet(who)\n")},
	"assets/lib/greet.ts": {Data: []byte("export function greet(name: string): string {\n  return 'hello ' + name\n}\n")},
	"assets/main.css":     {Data: []byte("@import './base.css';\n.badge   {  color : red ; }\n")},
	"assets/base.css":     {Data: []byte("body { margin: 0; }\n")},
}

func TestBundleResolvesMinifiesAndHashes(t *testing.T) {
	out, err := Bundle(themeFS, []string{"assets/main.ts", "assets/main.css"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 {
		t.Fatalf("got %d outputs; want 2", len(out))
	}
	hashed := regexp.MustCompile(`^assets/main-[A-Z0-9]{8}\.(css|js)$`)
	for _, a := range out {
		if !hashed.MatchString(a.Path) {
			t.Errorf("output path %q is not content-hashed", a.Path)
		}
	}
	css, js := string(out[0].Content), string(out[1].Content)
	if out[0].Entry != "assets/main.css" || out[1].Entry != "assets/main.ts" {
		t.Errorf("entries = %q, %q", out[0].Entry, out[1].Entry)
	}
	if !strings.Contains(css, "body{margin:0}") || !strings.Contains(css, ".badge{color:red}") {
		t.Errorf("css not bundled and minified: %q", css)
	}
	if !strings.Contains(js, `"hello "`) || strings.Contains(js, ": string") || strings.Contains(js, "import") {
		t.Errorf("js not bundled from TypeScript: %q", js)
	}
}

func TestBundleIsDeterministic(t *testing.T) {
	a, err := Bundle(themeFS, []string{"assets/main.ts"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Bundle(themeFS, []string{"assets/main.ts"})
	if a[0].Path != b[0].Path || string(a[0].Content) != string(b[0].Content) {
		t.Error("two bundles of the same sources differ")
	}
}

func TestBundleRefusesNetworkAndPackages(t *testing.T) {
	for name, src := range map[string]string{
		"package": "import 'lodash'\n",
		"url":     "import 'https://cdn.example.com/x.js'\n",
		"missing": "import './nope'\n",
		"syntax":  "const = ;\n",
	} {
		fsys := fstest.MapFS{"assets/main.ts": {Data: []byte(src)}}
		if _, err := Bundle(fsys, []string{"assets/main.ts"}); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.Contains(err.Error(), "assets/main.ts") {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
	}
}

// Package assets bundles and minifies the theme's TypeScript and CSS with
// esbuild's Go API, inside the binary: users need no Node and nothing is
// fetched from the network. Sources are read from an fs.FS (the embedded
// theme, overlaid by a repository's own theme/ folder) through an esbuild
// plugin, and outputs get content-hashed names so browsers can cache them
// forever.
package assets

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Asset is one bundled output file.
type Asset struct {
	// Entry is the source entry point, such as "assets/main.ts".
	Entry string
	// Path is where the file goes in the site, such as
	// "assets/main-5UH3KQXA.js".
	Path    string
	Content []byte
}

// Bundle builds each entry point (paths in fsys, such as "assets/main.ts"
// or "assets/main.css") with everything it imports. Imports must be
// relative: a theme has no node_modules and may not reach the network.
func Bundle(fsys fs.FS, entries []string) ([]Asset, error) {
	result := api.Build(api.BuildOptions{
		EntryPoints:       entries,
		Bundle:            true,
		Write:             false,
		Outdir:            "/out/assets",
		AbsWorkingDir:     "/",
		EntryNames:        "[name]-[hash]",
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Target:            api.ES2020,
		Format:            api.FormatIIFE,
		Charset:           api.CharsetUTF8,
		LogLevel:          api.LogLevelSilent,
		Plugins:           []api.Plugin{fromFS(fsys)},
	})
	if len(result.Errors) > 0 {
		return nil, fmt.Errorf("bundling the theme: %s", formatMessages(result.Errors))
	}
	var out []Asset
	for _, f := range result.OutputFiles {
		rel := strings.TrimPrefix(f.Path, "/out/")
		out = append(out, Asset{Entry: entryFor(entries, rel), Path: rel, Content: f.Contents})
	}
	slices.SortFunc(out, func(a, b Asset) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// entryFor names the entry point an output came from: "assets/main-X.js"
// from "assets/main.ts".
func entryFor(entries []string, output string) string {
	base := path.Base(output)
	stem := base[:strings.LastIndexByte(base, '-')]
	for _, e := range entries {
		name := path.Base(e)
		if strings.TrimSuffix(name, path.Ext(name)) == stem && sameKind(path.Ext(name), path.Ext(base)) {
			return e
		}
	}
	return ""
}

func sameKind(srcExt, outExt string) bool {
	if outExt == ".css" {
		return srcExt == ".css"
	}
	return srcExt != ".css"
}

const namespace = "theme"

// fromFS is an esbuild plugin that resolves and loads every path from fsys.
func fromFS(fsys fs.FS) api.Plugin {
	return api.Plugin{
		Name: "changebook-theme",
		Setup: func(b api.PluginBuild) {
			b.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
				p := args.Path
				if args.Kind != api.ResolveEntryPoint {
					if !strings.HasPrefix(p, "./") && !strings.HasPrefix(p, "../") {
						return api.OnResolveResult{}, fmt.Errorf("import %q: theme imports must be relative paths (there is no node_modules and no network)", p)
					}
					p = path.Join(path.Dir(args.Importer), p)
				}
				resolved, err := withExtension(fsys, p)
				if err != nil {
					return api.OnResolveResult{}, err
				}
				return api.OnResolveResult{Path: resolved, Namespace: namespace}, nil
			})
			b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: namespace}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
				data, err := fs.ReadFile(fsys, args.Path)
				if err != nil {
					return api.OnLoadResult{}, err
				}
				contents := string(data)
				return api.OnLoadResult{Contents: &contents, Loader: loaderFor(args.Path), ResolveDir: path.Dir(args.Path)}, nil
			})
		},
	}
}

// withExtension finds p as written, or with the extensions TypeScript
// imports leave out.
func withExtension(fsys fs.FS, p string) (string, error) {
	for _, candidate := range []string{p, p + ".ts", p + "/index.ts"} {
		info, err := fs.Stat(fsys, candidate)
		if err == nil && !info.IsDir() {
			return candidate, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			// There, but not readable (a named pipe in theme/): say so,
			// not that it is missing.
			return "", err
		}
	}
	return "", fmt.Errorf("%s: no such file in the theme", p)
}

func loaderFor(p string) api.Loader {
	switch path.Ext(p) {
	case ".css":
		return api.LoaderCSS
	case ".js":
		return api.LoaderJS
	case ".svg":
		return api.LoaderText
	}
	return api.LoaderTS
}

func formatMessages(msgs []api.Message) string {
	var parts []string
	for _, m := range msgs {
		if m.Location != nil {
			// Theme files are overridden from the repository's theme/
			// folder, so name them by that path.
			file := "theme/" + strings.TrimPrefix(m.Location.File, namespace+":")
			parts = append(parts, fmt.Sprintf("%s:%d:%d: %s", file, m.Location.Line, m.Location.Column+1, m.Text))
		} else {
			parts = append(parts, m.Text)
		}
	}
	return strings.Join(parts, "; ")
}

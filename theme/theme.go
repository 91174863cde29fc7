// Package theme holds the website's default theme: html/template layouts
// under templates/ and TypeScript and CSS sources under assets/, which the
// site build bundles with esbuild. Everything is embedded in the binary; a
// theme/ folder in a configuration repository overrides any file by the
// same path.
package theme

import (
	"embed"
	"io/fs"
)

//go:embed templates assets
var files embed.FS

// FS returns the default theme.
func FS() fs.FS { return files }

// Package pagename names the folders of the site's pages: each change,
// system and person page lives at <section>/<slug>/index.html, with the
// slug derived here from its id, name or handle. The site links and
// writes through Slug, and the check reports through Key the names that
// would share a folder, so that a build never meets a collision the gate
// let through.
package pagename

import "strings"

// Slug makes a name one path segment that is safe on every file system
// and static host, and never one the site writes itself. Letters, digits,
// '-', '_' and '.' are kept, any other character becomes '-'; leading and
// trailing dots go, so that no slug is "." or "..". A slug that would be
// a reserved name (index.html, which every section writes beside its
// pages, or a Windows device name such as con or nul.txt) gets a '-'
// before its extension: systems/index-.html/ is a page, systems/index.html
// is the list of systems. Different names can still share a slug (API and api
// on a file system that ignores case, "a b" and "a-b"): Key tells them,
// and the check reports them.
func Slug(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), ".")
	if out == "" {
		return "-"
	}
	if reserved(out) {
		// Before the extension: Windows reserves con.txt as it does con.
		base, ext, dot := strings.Cut(out, ".")
		out = base + "-"
		if dot {
			out += "." + ext
		}
	}
	return out
}

// Key is what two slugs collide on: the same letters in any case, since
// the file systems of macOS and Windows do not tell API from api.
func Key(slug string) string { return strings.ToLower(slug) }

// reserved reports whether a folder may not take the name slug: the file
// every section of the site writes beside its page folders, and the
// device names Windows reserves in every folder, with any extension.
func reserved(slug string) bool {
	s := strings.ToLower(slug)
	if s == "index.html" {
		return true
	}
	base, _, _ := strings.Cut(s, ".")
	switch base {
	case "con", "prn", "aux", "nul":
		return true
	}
	if len(base) == 4 && (strings.HasPrefix(base, "com") || strings.HasPrefix(base, "lpt")) && base[3] >= '1' && base[3] <= '9' {
		return true
	}
	return false
}

// ChangeFolder is the folder of the change id's page in the site, as its
// page and the exports' url give it: "changes/CHG-0042/".
func ChangeFolder(id string) string { return "changes/" + Slug(id) + "/" }

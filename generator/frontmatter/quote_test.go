package frontmatter

import "testing"

// TestQuote: each format writes a string value that its parser reads
// back as the same string; YAML leaves it plain only when no reader
// (YAML 1.1 included) would take it for something else.
func TestQuote(t *testing.T) {
	for _, tc := range []struct {
		format   Format
		in, want string
	}{
		{YAML, "alice", "alice"},
		{YAML, "changes-requested", "changes-requested"},
		{YAML, "Looks good", "Looks good"},
		{YAML, "no", `"no"`},
		{YAML, "On", `"On"`},
		{YAML, "true", `"true"`},
		{YAML, "12", `"12"`},
		{YAML, "trailing ", `"trailing "`},
		{YAML, "a: b", `"a: b"`},
		{YAML, `said "ok"`, `"said \"ok\""`},
		{YAML, "https://ci.example/1", `"https://ci.example/1"`},
		{TOML, "alice", `"alice"`},
		{TOML, `a "b" \ c`, `"a \"b\" \\ c"`},
		{TOML, "tab\there", `"tab\there"`},
		{JSON, "alice", `"alice"`},
		{JSON, "<a & b>", `"<a & b>"`},
	} {
		got := tc.format.Quote(tc.in)
		if got != tc.want {
			t.Errorf("%s.Quote(%q) = %s; want %s", tc.format, tc.in, got, tc.want)
		}
		readsBack(t, tc.format, tc.in, got)
	}
}

// TestQuoteText: a title keeps its double quotes readable, in single
// quotes in YAML and TOML; JSON quotes as Quote does.
func TestQuoteText(t *testing.T) {
	for _, tc := range []struct {
		format   Format
		in, want string
	}{
		{YAML, "Rotate the API signing key", "Rotate the API signing key"},
		{YAML, `Patch OpenSSL: CVE-2026-0001 "now"`, `'Patch OpenSSL: CVE-2026-0001 "now"'`},
		{YAML, `it's "x"`, `'it''s "x"'`},
		{YAML, "a: b # c", `"a: b # c"`},
		{YAML, "yes", `"yes"`},
		{YAML, "two\n\"lines\"", `"two\n\"lines\""`},
		{TOML, `say "hi"`, `'say "hi"'`},
		{TOML, `it's "x"`, `"it's \"x\""`},
		{TOML, "tab\tand\nline", `"tab\tand\nline"`},
		{JSON, `say "hi"`, `"say \"hi\""`},
	} {
		got := tc.format.QuoteText(tc.in)
		if got != tc.want {
			t.Errorf("%s.QuoteText(%q) = %s; want %s", tc.format, tc.in, got, tc.want)
		}
		readsBack(t, tc.format, tc.in, got)
	}
}

// readsBack fails unless value, written as the field v of a front matter
// in format f, parses as the string want.
func readsBack(t *testing.T, f Format, want, value string) {
	t.Helper()
	line := "v: " + value
	switch f {
	case TOML:
		line = "v = " + value
	case JSON:
		line = `"v": ` + value
	}
	doc, findings := Parse("x.md", f.Compose([]string{line}, ""), Limits{})
	if len(findings) > 0 || doc.Root == nil || len(doc.Root.Pairs) != 1 || doc.Root.Pairs[0].Value.Text != want {
		t.Errorf("%s %s does not read back as %q: %v", f, line, want, findings)
	}
}

// TestQuotedTextReadsBackInEveryFormat: characters a JSON string holds
// raw but YAML refuses (DEL, the C1 controls) or folds into a line break
// (NEL, the line and paragraph separators) are escaped; letters of any
// script stay plain in YAML.
func TestQuotedTextReadsBackInEveryFormat(t *testing.T) {
	for _, s := range []string{
		"del\x7fx", "a\u0085b", "c1\u0090d", "ls\u2028ps\u2029", "bom\ufeffx", "nul\x00x",
		"Mise à jour du cœur", "日本語のタイトル", "Ünïcödé: yes", "emoji 🚀 launch", "tab\tin",
	} {
		for _, f := range []Format{YAML, TOML, JSON} {
			readsBack(t, f, s, f.Quote(s))
			readsBack(t, f, s, f.QuoteText(s))
		}
	}
	for in, want := range map[string]string{"Mise à jour": "Mise à jour", "日本語": "日本語", "del\x7fx": `"del\x7Fx"`, "a\u0085b": `"a\Nb"`} {
		if got := YAML.Quote(in); got != want {
			t.Errorf("YAML.Quote(%q) = %s; want %s", in, got, want)
		}
	}
}

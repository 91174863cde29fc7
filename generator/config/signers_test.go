package config

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/changebook/changebook/generator/commitsig"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/internal/testkit/signers"
)

// findingLines renders findings as "file:line rule" for comparison.
func findingLines(fs []diag.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%d %s %s", f.File, f.Pos.Line, f.Rule, f.Message))
	}
	return strings.Join(out, "\n")
}

func TestSigningKeys(t *testing.T) {
	dir := t.TempDir()
	_, carolPub := signers.SSHKey(t, dir, "carol")
	_, davePub := signers.SSHKey(t, dir, "dave")
	_, erinPub := signers.SSHKey(t, dir, "erin")
	yaml := `allowed_signers: .github/allowed_signers
people:
  carol:
    name: Carol Diaz
    email: carol@acme.example
    emails: [c.diaz@users.noreply.example]
    keys: ["` + strings.TrimSpace(carolPub) + `"]
    roles: [developer]
  dave: { name: Dave Ito, email: dave@acme.example, roles: [system-user] }
  erin: { name: Erin Moss, email: Erin@Acme.example, roles: [developer] }
`
	allowed := "dave@acme.example " + davePub + "erin " + erinPub + "nobody@acme.example " + erinPub
	cfg, findings := Load(fstest.MapFS{File: {Data: []byte(yaml)}, ".github/allowed_signers": {Data: []byte(allowed)}})
	if got, want := findingLines(findings), ".github/allowed_signers:3 unknown-principal nobody@acme.example is no one's email or handle in changebook.yaml people: this key verifies no one's sign-offs"; got != want {
		t.Errorf("findings:\n%s\nwant:\n%s", got, want)
	}
	for email, want := range map[string]string{"carol@acme.example": "carol", "C.Diaz@users.noreply.example": "carol", "erin@acme.example": "erin", "mallory@evil.example": ""} {
		if got := cfg.HandleOfEmail(email); got != want {
			t.Errorf("HandleOfEmail(%s) = %q; want %q", email, got, want)
		}
	}
	if cfg.Signers == nil {
		t.Fatal("no keyring")
	}
}

func TestSigningKeyMistakes(t *testing.T) {
	dir := t.TempDir()
	_, carolPub := signers.SSHKey(t, dir, "carol")
	carol := strings.TrimSpace(carolPub)
	for _, tt := range []struct {
		name, yaml, allowed, want string
	}{
		{"not a key", `people:
  carol: { name: C, keys: ["carol@acme.example"], roles: [developer] }
`, "", "changebook.yaml:2 invalid-setting people.carol.keys[0] is not a public key"},
		{"a key for two people", `people:
  carol: { name: C, keys: ["` + carol + `"], roles: [developer] }
  dave: { name: D, keys: ["` + carol + `"], roles: [developer] }
`, "", "changebook.yaml:3 invalid-setting the key SHA256:"},
		{"an email for two people", `people:
  carol: { name: C, email: x@acme.example, roles: [developer] }
  dave: { name: D, emails: [X@acme.example], roles: [developer] }
`, "", "changebook.yaml:3 invalid-setting x@acme.example is the email of both carol and dave"},
		{"the file is missing", "allowed_signers: signers\n", "-", "changebook.yaml:1 invalid-setting allowed_signers names signers, which does not exist"},
		{"outside the repository", "allowed_signers: ../../etc/signers\n", "-", "changebook.yaml:1 invalid-setting allowed_signers must be a file inside the repository"},
		{"a line of two people", `allowed_signers: signers
people:
  carol: { name: C, email: carol@acme.example, roles: [developer] }
  dave: { name: D, email: dave@acme.example, roles: [developer] }
`, "carol@acme.example,dave@acme.example " + carol + "\n", "signers:1 invalid-setting the line names carol and dave"},
		{"a pattern", "allowed_signers: signers\n", "*@acme.example " + carol + "\n", "signers:1 unknown-principal the principal \"*@acme.example\" is a pattern"},
		{"a broken line", "allowed_signers: signers\n", "# keys\ncarol@acme.example ssh-ed25519\n", "signers:2 invalid-setting not an allowed signer"},
		{"bounds a key in people does not have", `allowed_signers: signers
people:
  carol: { name: C, email: carol@acme.example, keys: ["` + carol + `"], roles: [developer] }
`, "carol@acme.example valid-before=\"20260101\" " + carol + "\n", "signers:1 invalid-setting the key SHA256:"},
	} {
		fsys := fstest.MapFS{File: {Data: []byte(tt.yaml)}}
		if tt.allowed != "-" {
			fsys["signers"] = &fstest.MapFile{Data: []byte(tt.allowed)}
		}
		_, findings := Load(fsys)
		if got := findingLines(findings); !strings.HasPrefix(got, tt.want) || strings.Contains(got, "\n") {
			t.Errorf("%s: findings\n%s\nwant one beginning %q", tt.name, got, tt.want)
		}
	}
}

// An armored OpenPGP key in a | block registers the person's key.
func TestOpenPGPKeyInPeople(t *testing.T) {
	env, public := signers.GPGKey(t, "bob")
	var indented strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(public), "\n") {
		indented.WriteString("        " + line + "\n")
	}
	yaml := "people:\n  bob:\n    name: Bob Chen\n    roles: [change-manager]\n    keys:\n      - |\n" + indented.String()
	cfg, findings := Load(fstest.MapFS{File: {Data: []byte(yaml)}})
	if len(findings) > 0 {
		t.Fatal(findingLines(findings))
	}
	if !cfg.Signers.Has("bob") || cfg.Signers.Has("carol") {
		t.Fatalf("bob's OpenPGP key not registered (or registered for carol)")
	}
	payload := []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor Bob <bob@acme.example> 1764000000 +0000\n\nApprove\n")
	if got := commitsig.Verify(payload, signers.GPGSign(t, env, payload), "bob", cfg.Signers, time.Time{}); got.State != commitsig.Verified {
		t.Errorf("a signature by bob's registered OpenPGP key: %+v", got)
	}
}

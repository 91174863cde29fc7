package commitsig

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/changebook/changebook/internal/testkit/signers"
)

func TestParseAllowedSigners(t *testing.T) {
	dir := t.TempDir()
	_, carolPub := signers.SSHKey(t, dir, "carol")
	_, davePub := signers.SSHKey(t, dir, "dave")
	carolKey := strings.TrimSpace(carolPub)
	file := "# the team's signing keys\n\n" +
		"carol@acme.example " + carolKey + "\n" +
		`"dave@acme.example,d.ito@acme.example" namespaces="git,file",valid-after="20260101",valid-before="202607011200Z" ` + strings.TrimSpace(davePub) + "\n" +
		"ci@acme.example namespaces=\"file\" " + carolKey + "\n" +
		"*@acme.example cert-authority " + carolKey + "\n" +
		"carol@acme.example\n" +
		"carol@acme.example ssh-ed25519 not-base64\n" +
		"carol@acme.example valid-after=\"yesterday\" " + carolKey + "\n" +
		"carol@acme.example no-touch-required " + carolKey + "\n" +
		"erin@acme.example VALID-AFTER=\"20270101\" " + carolKey + "\n"
	got, errs := ParseAllowedSigners([]byte(file))
	if len(got) != 5 {
		t.Fatalf("%d signers; want 5: %+v", len(got), got)
	}
	if erin := got[4]; !erin.ValidAfter.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) || !erin.ValidBefore.IsZero() {
		t.Errorf("an option named in upper case, as ssh-keygen allows: %+v", erin)
	}
	if got[0].Line != 3 || strings.Join(got[0].Principals, "|") != "carol@acme.example" || !got[0].ForGit || got[0].Fingerprint != Fingerprint(carolPub) {
		t.Errorf("carol's line: %+v", got[0])
	}
	dave := got[1]
	if strings.Join(dave.Principals, "|") != "dave@acme.example|d.ito@acme.example" || !dave.ForGit ||
		!dave.ValidAfter.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || !dave.ValidBefore.Equal(time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("dave's line: %+v", dave)
	}
	if got[2].ForGit {
		t.Errorf("a key for namespace file only is taken for git: %+v", got[2])
	}
	if !got[3].CertAuthority {
		t.Errorf("cert-authority not read: %+v", got[3])
	}
	var lines []int
	for _, e := range errs {
		lines = append(lines, e.Line)
	}
	if want := []int{7, 8, 9, 10}; !slices.Equal(lines, want) {
		t.Errorf("lines refused: %v (%v); want %v", lines, errs, want)
	}
}

// A key's valid-after and valid-before count against the commit's date.
func TestAllowedSignerValidity(t *testing.T) {
	dir := t.TempDir()
	daveKey, davePub := signers.SSHKey(t, dir, "dave")
	allowed, errs := ParseAllowedSigners([]byte(`dave@acme.example valid-after="20260101Z",valid-before="20260701Z" ` + davePub))
	if len(errs) > 0 || len(allowed) != 1 {
		t.Fatal(errs)
	}
	var ring Keyring
	ring.AddAllowed("dave", allowed[0])
	signed := signers.SSHSign(t, daveKey, []byte(payload), "git")
	for _, tt := range []struct {
		at   time.Time
		want State
	}{
		{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Verified},
		{time.Date(2025, 12, 31, 23, 59, 0, 0, time.UTC), SignedByOther},
		{time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), Verified}, // inclusive, as ssh-keygen reads it
		{time.Date(2026, 7, 1, 0, 0, 1, 0, time.UTC), SignedByOther},
	} {
		got := Verify([]byte(payload), signed, "dave", &ring, tt.at)
		if got.State != tt.want {
			t.Errorf("signed at %s: %+v; want %s", tt.at, got, tt.want)
		}
		if tt.want != Verified && !strings.Contains(got.Detail, "not valid on") {
			t.Errorf("signed at %s: detail %q does not say the key was not valid then", tt.at, got.Detail)
		}
	}
}

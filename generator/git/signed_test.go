package git

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/changebook/changebook/generator/commitsig"
	"github.com/changebook/changebook/internal/testkit/signers"
)

// TestSignedCommits: a commit that git signed (gpg.format=ssh) carries
// its signature and the bytes it is over into the history, and they
// verify against the signer's key; a tampered copy of those bytes does
// not; an unsigned commit carries neither.
func TestSignedCommits(t *testing.T) {
	dir := t.TempDir()
	key, pub := signers.SSHKey(t, dir, "carol")
	repo := filepath.Join(dir, "repo")
	signers.SSHSigningRepo(t, repo, "carol", key)
	record := "---\nid: CHG-0001\ntitle: Rotate keys\n---\n"
	if err := os.MkdirAll(filepath.Join(repo, "changes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "changes", "CHG-0001.md"), []byte(record), 0o644); err != nil {
		t.Fatal(err)
	}
	signers.Run(t, repo, signers.GitEnv, nil, "git", "add", ".")
	signers.Run(t, repo, signers.GitEnv, nil, "git", "commit", "-q", "-m", "Request CHG-0001")
	edited := record + "Body.\n"
	if err := os.WriteFile(filepath.Join(repo, "changes", "CHG-0001.md"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	signers.Run(t, repo, signers.GitEnv, nil, "git", "commit", "-q", "--no-gpg-sign", "-am", "Edit CHG-0001 unsigned")

	r, err := Open(repo)
	if err != nil {
		t.Fatal(err)
	}
	h, err := Read(context.Background(), r, Options{Records: map[string][]byte{"changes/CHG-0001.md": []byte(edited)}})
	if err != nil {
		t.Fatal(err)
	}
	versions := h.Files["changes/CHG-0001.md"].Versions
	if len(versions) != 2 {
		t.Fatalf("%d versions; want 2", len(versions))
	}
	var ring commitsig.Keyring
	if err := ring.AddSSH("carol", pub); err != nil {
		t.Fatal(err)
	}
	byMessage := map[string]int{}
	for i, v := range versions {
		byMessage[v.Commit.Subject] = i
	}
	signed := versions[byMessage["Request CHG-0001"]].Commit
	if got := commitsig.Verify(signed.Signed, signed.Signature, "carol", &ring, time.Time{}); got.State != commitsig.Verified {
		t.Errorf("the signed commit: %+v; want %s", got, commitsig.Verified)
	}
	tampered := append([]byte{}, signed.Signed...)
	tampered[len(tampered)-2] ^= 1
	if got := commitsig.Verify(tampered, signed.Signature, "carol", &ring, time.Time{}); got.State != commitsig.BadSignature {
		t.Errorf("the signed commit's bytes changed: %+v; want %s", got, commitsig.BadSignature)
	}
	unsigned := versions[byMessage["Edit CHG-0001 unsigned"]].Commit
	if unsigned.Signature != nil || unsigned.Signed != nil {
		t.Errorf("the unsigned commit carries a signature (%d bytes) or a payload (%d bytes)", len(unsigned.Signature), len(unsigned.Signed))
	}
	if got := commitsig.Verify(unsigned.Signed, unsigned.Signature, "carol", &ring, time.Time{}); got.State != commitsig.Unsigned {
		t.Errorf("the unsigned commit: %+v; want %s", got, commitsig.Unsigned)
	}
}

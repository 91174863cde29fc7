package commitsig

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/changebook/changebook/internal/testkit/signers"
)

// The keys and signatures here are made by the real tools, as a signer's
// machine makes them (internal/testkit/signers).

const payload = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor Carol <carol@acme.example> 1764000000 +0000\ncommitter Carol <carol@acme.example> 1764000000 +0000\n\nSign the evaluation of CHG-0042\n"

func TestSSHSignatures(t *testing.T) {
	dir := t.TempDir()
	carolKey, carolPub := signers.SSHKey(t, dir, "carol")
	daveKey, davePub := signers.SSHKey(t, dir, "dave")
	malloryKey, _ := signers.SSHKey(t, dir, "mallory")
	var ring Keyring
	for owner, pub := range map[string]string{"carol": carolPub, "dave": davePub} {
		if err := ring.AddSSH(owner, pub); err != nil {
			t.Fatal(err)
		}
	}
	signed := signers.SSHSign(t, carolKey, []byte(payload), "git")
	for _, tt := range []struct {
		name      string
		payload   string
		signature []byte
		signer    string
		want      State
		owner     string
	}{
		{"the signer's key", payload, signed, "carol", Verified, "carol"},
		{"another registered person's key", payload, signers.SSHSign(t, daveKey, []byte(payload), "git"), "carol", SignedByOther, "dave"},
		{"a key no one registered", payload, signers.SSHSign(t, malloryKey, []byte(payload), "git"), "carol", SignedByOther, ""},
		{"the commit changed after signing", strings.Replace(payload, "CHG-0042", "CHG-0043", 1), signed, "carol", BadSignature, ""},
		{"signed for another purpose", payload, signers.SSHSign(t, carolKey, []byte(payload), "file"), "carol", BadSignature, ""},
		{"a damaged signature", payload, damaged(signed), "carol", BadSignature, ""},
		{"no signature", payload, nil, "carol", Unsigned, ""},
		{"an X.509 signature", payload, []byte("-----BEGIN SIGNED MESSAGE-----\nMIAG\n-----END SIGNED MESSAGE-----\n"), "carol", Unknown, ""},
	} {
		got := Verify([]byte(tt.payload), tt.signature, tt.signer, &ring, time.Time{})
		if got.State != tt.want || got.Owner != tt.owner {
			t.Errorf("%s: %+v; want %s by %q", tt.name, got, tt.want, tt.owner)
		}
		if got.State != Verified && got.State != Unsigned && got.Detail == "" {
			t.Errorf("%s: %s without a detail", tt.name, got.State)
		}
		if tt.want == Verified && !strings.HasPrefix(got.Key, "SHA256:") {
			t.Errorf("%s: key %q; want its SHA256 fingerprint", tt.name, got.Key)
		}
	}
	if got := Verify([]byte(payload), signed, "carol", nil, time.Time{}); got.State != SignedByOther {
		t.Errorf("no keys registered: %+v; want %s", got, SignedByOther)
	}
}

// damaged changes a few letters of an armored signature's body, after its
// first line.
func damaged(armored []byte) []byte {
	first := bytes.IndexByte(armored, '\n') + 1
	body := bytes.Replace(armored[first:], []byte("A"), []byte("B"), 3)
	return append(append([]byte{}, armored[:first]...), body...)
}

func TestAddSSHRefusesWhatIsNotAKey(t *testing.T) {
	var ring Keyring
	for _, key := range []string{"", "carol@acme.example", "ssh-ed25519 not-base64"} {
		if err := ring.AddSSH("carol", key); err == nil {
			t.Errorf("AddSSH(%q) accepted", key)
		}
	}
}

func TestOpenPGPSignatures(t *testing.T) {
	bobEnv, bobPub := signers.GPGKey(t, "bob")
	eveEnv, _ := signers.GPGKey(t, "eve")
	var ring Keyring
	if err := ring.AddOpenPGP("bob", bobPub); err != nil {
		t.Fatal(err)
	}
	sign := func(env []string, data string) []byte { return signers.GPGSign(t, env, []byte(data)) }
	signed := sign(bobEnv, payload)
	for _, tt := range []struct {
		name      string
		payload   string
		signature []byte
		signer    string
		want      State
	}{
		{"the signer's key", payload, signed, "bob", Verified},
		{"another person's key", payload, signed, "carol", SignedByOther},
		{"the commit changed after signing", payload + "x", signed, "bob", BadSignature},
		{"a key no one registered", payload, sign(eveEnv, payload), "bob", Unknown},
	} {
		got := Verify([]byte(tt.payload), tt.signature, tt.signer, &ring, time.Time{})
		if got.State != tt.want {
			t.Errorf("%s: %+v; want %s", tt.name, got, tt.want)
		}
	}
	if err := ring.AddOpenPGP("bob", "not a key"); err == nil {
		t.Error("AddOpenPGP accepted text that is not a key")
	}
}

// TestRealGitCommit signs a commit with git itself (gpg.format=ssh) and
// verifies it from the commit object, its gpgsig header taken out as git
// does before it verifies.
func TestRealGitCommit(t *testing.T) {
	dir := t.TempDir()
	key, pub := signers.SSHKey(t, dir, "carol")
	repo := filepath.Join(dir, "repo")
	signers.SSHSigningRepo(t, repo, "carol", key)
	signers.Run(t, repo, signers.GitEnv, nil, "git", "commit", "-q", "--allow-empty", "-m", "Sign the evaluation of CHG-0042")
	object := signers.Run(t, repo, signers.GitEnv, nil, "git", "cat-file", "commit", "HEAD")
	signed, signature := splitSignature(t, object)
	var ring Keyring
	if err := ring.AddSSH("carol", pub); err != nil {
		t.Fatal(err)
	}
	if got := Verify(signed, signature, "carol", &ring, time.Time{}); got.State != Verified {
		t.Fatalf("a commit signed by git: %+v; want %s", got, Verified)
	}
	tampered := bytes.Replace(signed, []byte("CHG-0042"), []byte("CHG-0043"), 1)
	if got := Verify(tampered, signature, "carol", &ring, time.Time{}); got.State != BadSignature {
		t.Errorf("the commit's message changed: %+v; want %s", got, BadSignature)
	}
}

// splitSignature takes the gpgsig header (its continuation lines begin
// with a space) out of a commit object.
func splitSignature(t *testing.T, object []byte) (signed, signature []byte) {
	t.Helper()
	head, body, ok := bytes.Cut(object, []byte("\n\n"))
	if !ok {
		t.Fatalf("not a commit object:\n%s", object)
	}
	var kept []string
	var sig []string
	in := false
	for _, line := range strings.Split(string(head), "\n") {
		switch {
		case strings.HasPrefix(line, "gpgsig "):
			in = true
			sig = append(sig, strings.TrimPrefix(line, "gpgsig "))
		case in && strings.HasPrefix(line, " "):
			sig = append(sig, line[1:])
		default:
			in = false
			kept = append(kept, line)
		}
	}
	if len(sig) == 0 {
		t.Fatalf("the commit has no signature:\n%s", object)
	}
	return []byte(strings.Join(kept, "\n") + "\n\n" + string(body)), []byte(strings.Join(sig, "\n") + "\n")
}

// An OpenPGP key's expiry is judged at the commit's date: a key that has
// expired since still made the signatures of its time; one that had
// expired when the commit was made proves nothing.
func TestOpenPGPKeyExpiry(t *testing.T) {
	env, public := signers.GPGKeyExpiring(t, "bob", "1d")
	var ring Keyring
	if err := ring.AddOpenPGP("bob", public); err != nil {
		t.Fatal(err)
	}
	signed := signers.GPGSign(t, env, []byte(payload))
	if got := Verify([]byte(payload), signed, "bob", &ring, time.Now()); got.State != Verified {
		t.Errorf("signed while the key was valid: %+v; want %s", got, Verified)
	}
	later := time.Now().Add(72 * time.Hour)
	if got := Verify([]byte(payload), signed, "bob", &ring, later); got.State != SignedByOther || !strings.Contains(got.Detail, "not valid when the commit was made") {
		t.Errorf("a commit dated after the key expired: %+v; want %s, saying the key was not valid then", got, SignedByOther)
	}
}

// One entry, one key: a block of two would register the second for the
// same person unchecked.
func TestAddOpenPGPRefusesSeveralKeys(t *testing.T) {
	_, bob := signers.GPGKey(t, "bob")
	_, mallory := signers.GPGKey(t, "mallory")
	// As gpg --armor --export mallory bob writes them: one armored block.
	var block bytes.Buffer
	w, err := armor.Encode(&block, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{mallory, bob} {
		entities, err := openpgp.ReadArmoredKeyRing(strings.NewReader(key))
		if err != nil {
			t.Fatal(err)
		}
		if err := entities[0].Serialize(w); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	both := block.String()
	var ring Keyring
	if err := ring.AddOpenPGP("mallory", both); err == nil || !strings.Contains(err.Error(), "one key per entry") {
		t.Errorf("two keys in one block: %v; want refused", err)
	}
}

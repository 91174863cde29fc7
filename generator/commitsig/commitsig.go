// Package commitsig verifies the signature of a git commit against the
// keys registered for people in changebook.yaml: which of them, if any,
// signed it. A commit's author line is only a claim (anyone can write
// `git commit --author "Carol <carol@acme.example>"`); a signature by a
// key registered for Carol is evidence.
//
// It knows SSH signatures (git's gpg.format=ssh: the sshsig format, with
// the namespace "git") and OpenPGP signatures. It sees bytes only: the
// commit as git signed it (the commit object without its gpgsig header)
// and the signature, which the git package takes out of the commit.
package commitsig

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// State is what a commit's signature shows of who made it.
type State string

const (
	// Verified: a valid signature by a key registered for the signer.
	Verified State = "verified"
	// SignedByOther: a valid signature by a key that is not the signer's:
	// another person's (Result.Owner) or no one's.
	SignedByOther State = "signed-by-other"
	// BadSignature: a signature that does not verify: the commit was
	// changed after it was signed, or the signature is damaged or made for
	// another purpose.
	BadSignature State = "bad-signature"
	// Unsigned: the commit has no signature.
	Unsigned State = "unsigned"
	// Unknown: whether the signature is valid cannot be told (an OpenPGP
	// key no one registered, a kind of signature not verified here), or
	// the commit is not available.
	Unknown State = "unknown"
)

// gitNamespace is the namespace git signs commits in (ssh-keygen -Y sign
// -n git): a signature made for another purpose is not a commit's.
const gitNamespace = "git"

// Keyring holds the public keys registered for each person.
type Keyring struct {
	ssh []sshKey
	pgp openpgp.EntityList
	// pgpOwner is the owner of each OpenPGP entity, by primary key id.
	pgpOwner map[uint64]string
}

type sshKey struct {
	owner string
	wire  []byte // the key in SSH wire format, to compare
	// validAfter and validBefore bound when the key may have signed (an
	// allowed_signers file's valid-after and valid-before); zero: no
	// bound.
	validAfter, validBefore time.Time
}

// validAt reports whether the key may have made a signature at t.
func (k sshKey) validAt(t time.Time) bool {
	// Both bounds are inclusive, as ssh-keygen reads them.
	return (k.validAfter.IsZero() || !t.Before(k.validAfter)) && (k.validBefore.IsZero() || !t.After(k.validBefore))
}

// AddSSH registers an SSH public key for owner, in the form of an
// authorized_keys line or a .pub file ("ssh-ed25519 AAAA... comment").
func (k *Keyring) AddSSH(owner, key string) error {
	pub, _, options, rest, err := ssh.ParseAuthorizedKey([]byte(key))
	if err != nil {
		return fmt.Errorf("not an SSH public key (want a line such as \"ssh-ed25519 AAAA... you@example.com\", as in a .pub file): %w", err)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return errors.New("more than one line: write one key per entry")
	}
	if len(options) > 0 {
		return fmt.Errorf("options before the key (%s): write the key alone, or use an allowed_signers file", strings.Join(options, ","))
	}
	k.ssh = append(k.ssh, sshKey{owner: owner, wire: pub.Marshal()})
	return nil
}

// HasSSH reports whether an SSH key is registered for owner.
func (k *Keyring) HasSSH(owner string) bool {
	return k != nil && slices.ContainsFunc(k.ssh, func(s sshKey) bool { return s.owner == owner })
}

// Has reports whether any key is registered for owner.
func (k *Keyring) Has(owner string) bool {
	return k.HasSSH(owner) || (k != nil && slices.Contains(slices.Collect(maps.Values(k.pgpOwner)), owner))
}

// AddAllowed registers for owner the key of one allowed_signers line.
func (k *Keyring) AddAllowed(owner string, s AllowedSigner) {
	k.ssh = append(k.ssh, sshKey{owner: owner, wire: s.key.Marshal(), validAfter: s.ValidAfter, validBefore: s.ValidBefore})
}

// Fingerprint returns an SSH public key line's SHA256 fingerprint, or
// an armored OpenPGP key's fingerprint in hex: what Result.Key names.
func Fingerprint(key string) string {
	if pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(key)); err == nil {
		return ssh.FingerprintSHA256(pub)
	}
	if entities, err := openpgp.ReadArmoredKeyRing(strings.NewReader(key)); err == nil && len(entities) > 0 {
		return pgpFingerprint(entities[0])
	}
	return ""
}

func pgpFingerprint(e *openpgp.Entity) string {
	return strings.ToUpper(fmt.Sprintf("%x", e.PrimaryKey.Fingerprint))
}

// AddOpenPGP registers the armored OpenPGP public keys (gpg --armor
// --export) for owner.
func (k *Keyring) AddOpenPGP(owner, armored string) error {
	entities, err := openpgp.ReadArmoredKeyRing(strings.NewReader(armored))
	if err != nil {
		return fmt.Errorf("not an armored OpenPGP public key (want the output of gpg --armor --export): %w", err)
	}
	if len(entities) != 1 {
		// Each key is checked against every other person's: a block of
		// several would let one entry register someone else's key.
		return fmt.Errorf("%d keys in one block: export one key per entry (gpg --armor --export KEYID)", len(entities))
	}
	if k.pgpOwner == nil {
		k.pgpOwner = map[uint64]string{}
	}
	for _, e := range entities {
		k.pgp = append(k.pgp, e)
		k.pgpOwner[e.PrimaryKey.KeyId] = owner
	}
	return nil
}

// Result is what Verify found.
type Result struct {
	State State
	// Owner is the person whose registered key made a valid signature,
	// "" when none did.
	Owner string
	// Key names the key that signed: an SSH key's SHA256 fingerprint, an
	// OpenPGP key's fingerprint in hex; "" when unsigned.
	Key string
	// Detail says why, for every state but Verified and Unsigned.
	Detail string
}

// Verify tells whether signature, over payload (the commit as signed),
// was made by a key registered for signer; a nil ring has no keys. at is
// when the commit says it was made (its committer date, as git verifies):
// a key whose allowed_signers line bounds its validity counts only for
// signatures made within the bounds.
func Verify(payload, signature []byte, signer string, ring *Keyring, at time.Time) Result {
	if ring == nil {
		ring = &Keyring{}
	}
	sig := bytes.TrimSpace(signature)
	switch {
	case len(sig) == 0:
		return Result{State: Unsigned}
	case bytes.HasPrefix(sig, []byte("-----BEGIN SSH SIGNATURE-----")):
		return ring.verifySSH(payload, sig, signer, at)
	case bytes.HasPrefix(sig, []byte("-----BEGIN PGP SIGNATURE-----")):
		return ring.verifyOpenPGP(payload, sig, signer, at)
	}
	return Result{State: Unknown, Detail: "a kind of signature changebook does not verify (X.509 or another): only SSH and OpenPGP signatures are"}
}

func (k *Keyring) verifySSH(payload, armored []byte, signer string, at time.Time) Result {
	sig, err := sshsig.Unarmor(armored)
	if err != nil {
		return Result{State: BadSignature, Detail: "the SSH signature does not parse: " + err.Error()}
	}
	key := ssh.FingerprintSHA256(sig.PublicKey)
	if sig.Namespace != gitNamespace {
		return Result{State: BadSignature, Key: key, Detail: fmt.Sprintf("the SSH signature was made for %q, not for a git commit", sig.Namespace)}
	}
	if err := sshsig.Verify(bytes.NewReader(payload), sig, sig.PublicKey, sig.HashAlgorithm, gitNamespace); err != nil {
		return Result{State: BadSignature, Key: key, Detail: "the SSH signature does not match the commit: it was changed after it was signed, or the signature is damaged"}
	}
	wire := sig.PublicKey.Marshal()
	owner, expired := "", false
	for _, registered := range k.ssh {
		if !bytes.Equal(registered.wire, wire) {
			continue
		}
		if !registered.validAt(at) {
			expired = true
			continue
		}
		if registered.owner == signer {
			return Result{State: Verified, Owner: signer, Key: key}
		}
		if owner == "" {
			owner = registered.owner
		}
	}
	if owner == "" && expired {
		return Result{State: SignedByOther, Key: key, Detail: fmt.Sprintf("signed with a key that was not valid on %s (its valid-after or valid-before in allowed_signers)", at.UTC().Format("2006-01-02 15:04"))}
	}
	return otherSigner(owner, key, signer)
}

func (k *Keyring) verifyOpenPGP(payload, armored []byte, signer string, at time.Time) Result {
	// Expiry is judged on the day of the commit, as git does: a key that
	// expired since still made the signatures of its time.
	var config *packet.Config
	if !at.IsZero() {
		config = &packet.Config{Time: func() time.Time { return at }}
	}
	entity, err := openpgp.CheckArmoredDetachedSignature(k.pgp, bytes.NewReader(payload), bytes.NewReader(armored), config)
	switch {
	case errors.Is(err, pgperrors.ErrKeyExpired), errors.Is(err, pgperrors.ErrSignatureExpired), errors.Is(err, pgperrors.ErrKeyRevoked), errors.Is(err, pgperrors.ErrSignatureOlderThanKey):
		whose := "a key"
		key := ""
		if entity != nil {
			key = pgpFingerprint(entity)
			if owner := k.pgpOwner[entity.PrimaryKey.KeyId]; owner != "" {
				whose = owner + "'s key"
			}
		}
		return Result{State: SignedByOther, Key: key, Detail: fmt.Sprintf("signed with %s that was not valid when the commit was made (%v): it proves no one's sign-off", whose, err)}
	case errors.Is(err, pgperrors.ErrUnknownIssuer):
		// Without the key, a signature cannot be told valid or not.
		return Result{State: Unknown, Detail: "signed with an OpenPGP key that no one has registered in changebook.yaml: whether the signature is valid cannot be told"}
	case err != nil:
		return Result{State: BadSignature, Detail: "the OpenPGP signature does not match the commit: it was changed after it was signed, or the signature is damaged (" + err.Error() + ")"}
	}
	key := pgpFingerprint(entity)
	owner := k.pgpOwner[entity.PrimaryKey.KeyId]
	if owner == signer {
		return Result{State: Verified, Owner: signer, Key: key}
	}
	return otherSigner(owner, key, signer)
}

// otherSigner is the result of a valid signature by owner's key ("" for
// no one's), which is not signer's.
func otherSigner(owner, key, signer string) Result {
	if owner == "" {
		return Result{State: SignedByOther, Key: key, Detail: fmt.Sprintf("signed with a key that no one has registered, not one of %s's", signer)}
	}
	return Result{State: SignedByOther, Owner: owner, Key: key, Detail: fmt.Sprintf("signed with %s's key, not %s's", owner, signer)}
}

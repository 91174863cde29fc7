package commitsig

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// AllowedSigner is one line of an allowed_signers file, the file git
// verifies SSH-signed commits with (gpg.ssh.allowedSignersFile; its
// format is ssh-keygen(1)'s ALLOWED SIGNERS):
//
//	alice@acme.example namespaces="git",valid-after="20260101" ssh-ed25519 AAAA... alice
type AllowedSigner struct {
	// Line is the line's number in the file, from 1.
	Line int
	// Principals are who the key belongs to: emails, usually, or
	// patterns of them (*@acme.example).
	Principals []string
	// Fingerprint is the key's SHA256 fingerprint.
	Fingerprint string
	// ValidAfter and ValidBefore bound when the key may have signed;
	// zero: no bound.
	ValidAfter, ValidBefore time.Time
	// ForGit is false when the line's namespaces leave out "git": the
	// key is not for signing commits.
	ForGit bool
	// CertAuthority is true for a certificate authority's key, whose
	// certificates changebook does not verify.
	CertAuthority bool

	key ssh.PublicKey
}

// LineError is a line of an allowed_signers file that does not parse.
type LineError struct {
	Line int
	Err  error
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// ParseAllowedSigners reads an allowed_signers file: its signers, and the
// lines that are not one. Blank lines and lines beginning with # are
// comments.
func ParseAllowedSigners(data []byte) ([]AllowedSigner, []LineError) {
	var signers []AllowedSigner
	var errs []LineError
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s, err := parseAllowedSigner(line)
		if err != nil {
			errs = append(errs, LineError{Line: i + 1, Err: err})
			continue
		}
		s.Line = i + 1
		signers = append(signers, s)
	}
	return signers, errs
}

func parseAllowedSigner(line string) (AllowedSigner, error) {
	var principals, rest string
	if strings.HasPrefix(line, `"`) {
		end := strings.IndexByte(line[1:], '"')
		if end < 0 {
			return AllowedSigner{}, fmt.Errorf("the principals' closing quote is missing")
		}
		principals, rest = line[1:end+1], line[end+2:]
	} else {
		var ok bool
		principals, rest, ok = strings.Cut(line, " ")
		if !ok {
			principals, rest, ok = strings.Cut(line, "\t")
		}
		if !ok {
			return AllowedSigner{}, errors.New("want principals, then a key, as in alice@acme.example ssh-ed25519 AAAA")
		}
	}
	s := AllowedSigner{ForGit: true}
	for _, p := range strings.Split(principals, ",") {
		if p = strings.TrimSpace(p); p != "" {
			s.Principals = append(s.Principals, p)
		}
	}
	if len(s.Principals) == 0 {
		return AllowedSigner{}, fmt.Errorf("no principal before the key: write the signer's email first")
	}
	key, _, options, trailing, err := ssh.ParseAuthorizedKey([]byte(strings.TrimSpace(rest)))
	if err != nil || len(strings.TrimSpace(string(trailing))) > 0 {
		return AllowedSigner{}, errors.New("after the principals, want options (if any) and an SSH public key such as ssh-ed25519 AAAA")
	}
	s.key, s.Fingerprint = key, ssh.FingerprintSHA256(key)
	for _, o := range options {
		name, value, _ := strings.Cut(o, "=")
		name, value = strings.ToLower(name), strings.Trim(value, `"`) // option names in any case, as ssh-keygen reads them
		switch name {
		case "cert-authority":
			s.CertAuthority = true
		case "namespaces":
			s.ForGit = slices.Contains(strings.Split(value, ","), gitNamespace)
		case "valid-after", "valid-before":
			t, err := parseSignerTime(value)
			if err != nil {
				return AllowedSigner{}, fmt.Errorf("%s: %v", name, err)
			}
			if name == "valid-after" {
				s.ValidAfter = t
			} else {
				s.ValidBefore = t
			}
		default:
			return AllowedSigner{}, fmt.Errorf("unknown option %q: allowed_signers has cert-authority, namespaces, valid-after and valid-before", name)
		}
	}
	return s, nil
}

// parseSignerTime reads an allowed_signers time: YYYYMMDD, YYYYMMDDHHMM
// or YYYYMMDDHHMMSS, with or without a Z suffix, always in UTC.
// ssh-keygen reads a time without Z in the machine's time zone; changebook
// does not, so that a check in CI and one on a laptop agree (with Z, git
// and changebook agree too).
func parseSignerTime(v string) (time.Time, error) {
	v = strings.TrimSuffix(strings.TrimSuffix(v, "Z"), "z")
	for _, layout := range []string{"20060102", "200601021504", "20060102150405"} {
		if len(v) == len(layout) {
			if t, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time: write YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS (UTC), such as 20260101Z", v)
}

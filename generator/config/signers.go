package config

import (
	"errors"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/changebook/changebook/generator/commitsig"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/repofs"
)

// RuleUnknownPrincipal is an allowed_signers line whose key counts for no
// one in people.
const RuleUnknownPrincipal = "unknown-principal"

var unknownPrincipalRule = diag.Rule{ID: RuleUnknownPrincipal, Severity: diag.Warning,
	Summary: "A line of the allowed_signers file names no one in people: its key verifies no one's sign-offs."}

// maxAllowedSigners bounds the allowed_signers file read, as the settings
// file is bounded: a team's keys fit in far less.
const maxAllowedSigners = 1 << 20

// loadSigners builds cfg.Signers and the email index from people's
// emails and keys and from the allowed_signers file, reporting in c what
// changebook.yaml gets wrong, and returning the findings of the
// allowed_signers file itself.
func (cfg *Config) loadSigners(fsys fs.FS, c *diag.Collector) []diag.Finding {
	cfg.Signers, cfg.byEmail = &commitsig.Keyring{}, map[string]string{}
	keyOwner := map[string]string{} // fingerprint -> handle
	register := func(c *diag.Collector, handle, fingerprint string, pos diag.Pos) bool {
		if other, ok := keyOwner[fingerprint]; ok && other != handle {
			c.Errorf(pos, RuleBadSetting, "a key identifies one person: remove it from one of them",
				"the key %s is registered for both %s and %s, so it could not tell which of them signed", fingerprint, other, handle)
			return false
		}
		keyOwner[fingerprint] = handle
		return true
	}
	for _, handle := range cfg.Handles() {
		p := cfg.People[handle]
		for i, email := range append([]string{p.Email}, p.Emails...) {
			email = strings.ToLower(strings.TrimSpace(email))
			if email == "" {
				continue
			}
			pos := cfg.Pos.ValueOf("people." + handle + ".email")
			if i > 0 {
				pos = cfg.Pos.ValueOf("people." + handle + ".emails[" + strconv.Itoa(i-1) + "]")
			}
			if other, ok := cfg.byEmail[email]; ok && other != handle {
				c.Errorf(pos, RuleBadSetting, "an email identifies one person: remove it from one of them",
					"%s is the email of both %s and %s, so a commit by it could be either's", email, other, handle)
				continue
			}
			cfg.byEmail[email] = handle
		}
		for i, key := range p.Keys {
			pos := cfg.Pos.ValueOf("people." + handle + ".keys[" + strconv.Itoa(i) + "]")
			var err error
			if strings.Contains(key, "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
				err = cfg.Signers.AddOpenPGP(handle, key)
			} else {
				err = cfg.Signers.AddSSH(handle, key)
			}
			if err != nil {
				c.Errorf(pos, RuleBadSetting,
					"paste the public key: an SSH key's .pub line (ssh-ed25519 AAAA... you@example.com), or the armored block of gpg --armor --export you@example.com in a | block",
					"people.%s.keys[%d] is not a public key: %v", handle, i, err)
				continue
			}
			register(c, handle, commitsig.Fingerprint(key), pos)
		}
	}
	if cfg.AllowedSigners == "" {
		return nil
	}
	return cfg.loadAllowedSigners(fsys, c, maps.Clone(keyOwner), register)
}

// loadAllowedSigners registers the keys of the allowed_signers file for
// the people its principals name (an email of theirs, or their handle).
// inPeople maps the keys of people's keys to their handles.
func (cfg *Config) loadAllowedSigners(fsys fs.FS, c *diag.Collector, inPeople map[string]string, register func(c *diag.Collector, handle, fingerprint string, pos diag.Pos) bool) []diag.Finding {
	name := path.Clean(cfg.AllowedSigners)
	pos := cfg.Pos.ValueOf("allowed_signers")
	if !fs.ValidPath(name) || strings.Contains(cfg.AllowedSigners, `\`) {
		c.Errorf(pos, RuleBadSetting, "name a file inside the repository, such as .github/allowed_signers",
			"allowed_signers must be a file inside the repository, not %q", cfg.AllowedSigners)
		return nil
	}
	data, err := repofs.ReadFile(fsys, name, maxAllowedSigners)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.Errorf(pos, RuleBadSetting, "commit the file (one line per key: email, then the key), or remove the setting",
			"allowed_signers names %s, which does not exist", name)
		return nil
	case errors.Is(err, repofs.ErrTooLarge):
		c.Errorf(pos, RuleBadSetting, "keep one line per signing key", "%s is larger than %d bytes", name, maxAllowedSigners)
		return nil
	case err != nil:
		c.Errorf(pos, RuleBadSetting, "make it a regular file the checker can read", "cannot read %s: %v", name, repofs.Cause(err))
		return nil
	}
	fc := diag.NewCollector(name)
	signers, errs := commitsig.ParseAllowedSigners(data)
	for _, e := range errs {
		fc.Errorf(diag.Pos{Line: e.Line, Col: 1}, RuleBadSetting,
			"write one signer per line: principals, options if any, and the key, as in alice@acme.example ssh-ed25519 AAAA...",
			"not an allowed signer: %v", e.Err)
	}
	for _, s := range signers {
		at := diag.Pos{Line: s.Line, Col: 1}
		if !s.ForGit {
			continue // a key for other namespaces signs no commit
		}
		if s.CertAuthority {
			fc.Warnf(at, RuleUnknownPrincipal, "list each signer's own key instead",
				"a cert-authority key: changebook does not verify SSH certificates, so it verifies no one's sign-offs")
			continue
		}
		var handles []string
		for _, p := range s.Principals {
			if strings.ContainsAny(p, "*?!") {
				fc.Warnf(at, RuleUnknownPrincipal, "name each signer by their email",
					"the principal %q is a pattern, which names no one person: changebook does not count it", p)
				continue
			}
			handle := cfg.HandleOfEmail(p)
			if handle == "" {
				if _, ok := cfg.People[p]; ok {
					handle = p
				}
			}
			if handle == "" {
				fc.Warnf(at, RuleUnknownPrincipal, "add the address to the person's email or emails in "+File+", or fix the line",
					"%s is no one's email or handle in %s people: this key verifies no one's sign-offs", p, File)
				continue
			}
			if !slices.Contains(handles, handle) {
				handles = append(handles, handle)
			}
		}
		if len(handles) > 1 {
			fc.Errorf(at, RuleBadSetting, "a key identifies one person: give each person a line of their own",
				"the line names %s, so its key could not tell which of them signed", strings.Join(handles, " and "))
			continue
		}
		if len(handles) == 1 && inPeople[s.Fingerprint] == handles[0] && (!s.ValidAfter.IsZero() || !s.ValidBefore.IsZero()) {
			// Registered without bounds in people too, the key would
			// verify outside the bounds given here: a revocation by
			// valid-before would not hold.
			fc.Errorf(at, RuleBadSetting, "keep the key in one place: remove it from people."+handles[0]+".keys, or the bounds from this line",
				"the key %s is also in people.%s.keys, without these valid-after/valid-before bounds, which then do not hold", s.Fingerprint, handles[0])
			continue
		}
		if len(handles) == 1 && register(fc, handles[0], s.Fingerprint, at) {
			cfg.Signers.AddAllowed(handles[0], s)
		}
	}
	return fc.Findings()
}

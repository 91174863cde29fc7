package git

import (
	gogit "github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
)

// UserEmail is user.email as git would use it for a commit in the
// repository that holds dir (the repository's, the user's or the system's
// setting), or "".
func UserEmail(dir string) string {
	r, err := gogit.PlainOpenWithOptions(dir, &gogit.PlainOpenOptions{DetectDotGit: true})
	if err == nil {
		if c, err := r.ConfigScoped(gitconfig.SystemScope); err == nil && c.User.Email != "" {
			return c.User.Email
		}
	}
	if c, err := gitconfig.LoadConfig(gitconfig.GlobalScope); err == nil {
		return c.User.Email
	}
	return ""
}

// Signing is how git is set up to sign commits in a repository.
type Signing struct {
	// Format is gpg.format: "openpgp" (git's default), "ssh" or "x509".
	Format string
	// Key is user.signingkey; "" when unset (git then asks gpg for the
	// committer's key, and cannot sign with SSH at all).
	Key string
	// Always is commit.gpgsign: every commit is signed without -S.
	Always bool
}

// SigningSetup reads how git would sign a commit in the repository that
// holds dir: each setting from the repository's config, else the
// user's, else the system's.
func SigningSetup(dir string) Signing {
	var scopes []*gitconfig.Config
	if r, err := gogit.PlainOpenWithOptions(dir, &gogit.PlainOpenOptions{DetectDotGit: true}); err == nil {
		if c, err := r.Storer.Config(); err == nil {
			scopes = append(scopes, c)
		}
	}
	for _, scope := range []gitconfig.Scope{gitconfig.GlobalScope, gitconfig.SystemScope} {
		if c, err := gitconfig.LoadConfig(scope); err == nil {
			scopes = append(scopes, c)
		}
	}
	option := func(section, key string) string {
		for _, c := range scopes {
			if c.Raw != nil && c.Raw.HasSection(section) {
				if v := c.Raw.Section(section).Option(key); v != "" {
					return v
				}
			}
		}
		return ""
	}
	s := Signing{Format: option("gpg", "format"), Key: option("user", "signingkey")}
	if s.Format == "" {
		s.Format = "openpgp"
	}
	switch option("commit", "gpgsign") {
	case "true", "yes", "on", "1":
		s.Always = true
	}
	return s
}

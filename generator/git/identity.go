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

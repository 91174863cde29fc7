package site

import "strings"

// sourceURL links to a file on GitHub, GitLab or Gitea, whose "blob" URLs
// share one form for the default branch.
func sourceURL(repo, file string) string {
	repo = strings.TrimSuffix(strings.TrimSuffix(repo, "/"), ".git")
	return repo + "/blob/HEAD/" + file
}

// commitURL links to a commit on the forge of repo_url: GitLab's form is
// /-/commit/HASH, GitHub's and Gitea's /commit/HASH. "" without repo_url.
func commitURL(repo, hash string) string {
	if repo == "" {
		return ""
	}
	repo = strings.TrimSuffix(strings.TrimSuffix(repo, "/"), ".git")
	if strings.Contains(strings.ToLower(repo), "gitlab") {
		return repo + "/-/commit/" + hash
	}
	return repo + "/commit/" + hash
}

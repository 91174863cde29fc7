// Package signers makes what a signer's machine makes, with the real
// tools, for tests: SSH keys and signatures (ssh-keygen, Debian's
// openssh-client), OpenPGP keys and signatures (gpg, gnupg) and signed
// commits (git). The product runs none of them. Each test that needs a
// tool fails when CI is set and the tool is missing (.ci/run installs
// them), and is skipped otherwise.
package signers

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Need fails or skips t when tool is not installed.
func Need(t testing.TB, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing: CI must install it (see .ci/run)", tool)
		}
		t.Skipf("%s not found: install it to run this test", tool)
	}
}

// Run runs a tool in dir with env added and stdin, and returns its
// output; it fails t when the tool does.
func Run(t testing.TB, dir string, env []string, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// SSHKey makes an ed25519 key pair in dir and returns its private key's
// path and its public key line (a .pub file's).
func SSHKey(t testing.TB, dir, name string) (private, public string) {
	t.Helper()
	Need(t, "ssh-keygen")
	private = filepath.Join(dir, name)
	Run(t, dir, nil, nil, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name+"@acme.example", "-f", private)
	pub, err := os.ReadFile(private + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return private, string(pub)
}

// SSHSign signs data as git does with gpg.format=ssh, in namespace ("git"
// for a commit).
func SSHSign(t testing.TB, private string, data []byte, namespace string) []byte {
	t.Helper()
	return Run(t, filepath.Dir(private), nil, data, "ssh-keygen", "-q", "-Y", "sign", "-f", private, "-n", namespace)
}

// GPGKey makes an OpenPGP signing key for name@acme.example in a
// GNUPGHOME of its own, and returns the environment that selects it and
// the armored public key.
func GPGKey(t testing.TB, name string) (env []string, public string) {
	t.Helper()
	return GPGKeyExpiring(t, name, "never")
}

// GPGKeyExpiring is GPGKey with the key's expiry as gpg --quick-gen-key
// takes it ("never", "1d", "2y").
func GPGKeyExpiring(t testing.TB, name, expire string) (env []string, public string) {
	t.Helper()
	Need(t, "gpg")
	home, err := os.MkdirTemp("", "cb-gnupg-") // short: gpg-agent's socket path is bounded
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run()
		os.RemoveAll(home)
	})
	env = []string{"GNUPGHOME=" + home}
	Run(t, home, env, nil, "gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", name+" <"+name+"@acme.example>", "ed25519", "sign", expire)
	return env, string(Run(t, home, env, nil, "gpg", "--batch", "--armor", "--export", name+"@acme.example"))
}

// GPGSign makes an armored detached signature of data with the key env
// selects.
func GPGSign(t testing.TB, env []string, data []byte) []byte {
	t.Helper()
	return Run(t, "", env, data, "gpg", "--batch", "--armor", "--detach-sign")
}

// GitEnv keeps the machine's git settings out of a test's commits.
var GitEnv = []string{"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1"}

// SSHSigningRepo makes a repository in dir whose commits git signs with
// the SSH key at private, as name <name@acme.example>.
func SSHSigningRepo(t testing.TB, dir, name, private string) {
	t.Helper()
	Need(t, "git")
	Run(t, "", GitEnv, nil, "git", "init", "-q", dir)
	for _, kv := range [][2]string{{"user.name", name}, {"user.email", name + "@acme.example"}, {"gpg.format", "ssh"}, {"user.signingkey", private}, {"commit.gpgsign", "true"}} {
		Run(t, dir, GitEnv, nil, "git", "config", kv[0], kv[1])
	}
}

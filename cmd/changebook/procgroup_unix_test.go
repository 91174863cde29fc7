//go:build unix

package main

import (
	"os/exec"
	"syscall"
	"time"
)

// inOwnProcessGroup makes cmd's cancellation stop everything it started:
// code-server's launcher forks the server that forks VS Code's hosts, and
// killing the launcher alone left them running (a node process at 70 % of
// a core after every run, reparented to init). The group is killed whole;
// WaitDelay bounds Wait when a grandchild still holds the output pipe.
func inOwnProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
}

//go:build !unix

package main

import "os/exec"

// inOwnProcessGroup is the unix one's stand-in: elsewhere cancellation
// kills the started process only.
func inOwnProcessGroup(cmd *exec.Cmd) {}

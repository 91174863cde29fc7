//go:build !unix

package repofs

// nonBlocking is zero where opening a file never waits for a writer.
const nonBlocking = 0

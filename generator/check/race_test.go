//go:build race

package check

import "time"

// The race detector slows the code it watches several times.
func timeLimit() time.Duration { return 10 * time.Second }

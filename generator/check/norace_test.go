//go:build !race

package check

import "time"

func timeLimit() time.Duration { return 2 * time.Second }

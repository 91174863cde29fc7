//go:build !linux

package publish

import "errors"

// exchangeSupported says whether this system has an exchange at all.
const exchangeSupported = false

// errNoExchange is returned by exchange where the system or the file
// system cannot trade two names in one step.
var errNoExchange = errors.New("the system cannot exchange two folders")

// exchange is not available here: the two-rename swap is used.
func exchange(a, b string) error { return errNoExchange }

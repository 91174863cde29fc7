package main

import "strings"

// shellQuote quotes s as one word of a POSIX shell command, for the
// commands changebook prints for a user to paste: names come from
// changebook.yaml and ids from records, which anyone with a pull request
// can write, and in double quotes `$(...)` and backticks would run.
// Plain words are left bare.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

//go:build race

package httpexec

const raceEnabled = true

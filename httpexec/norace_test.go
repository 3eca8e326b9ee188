//go:build !race

package httpexec

const raceEnabled = false

//go:build !race

package httpexectest_test

const raceEnabled = false

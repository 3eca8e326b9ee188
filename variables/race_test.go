//go:build race

package variables_test

const raceEnabled = true

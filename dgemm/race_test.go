//go:build race

package dgemm

// raceEnabled reports a -race build, under which sync.Pool drops items at
// random and so allocation counts mean nothing.
const raceEnabled = true

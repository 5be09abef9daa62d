//go:build !race

package passes

const raceEnabled = false

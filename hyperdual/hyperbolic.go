package hyperdual

import "math"

// Tanh returns tanh(x).
func Tanh(x Number) Number {
	t := math.Tanh(x.Real)
	d1 := 1 - t*t
	return chain(x, t, d1, -2*t*d1)
}

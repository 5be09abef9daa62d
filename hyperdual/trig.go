package hyperdual

import "math"

// Sin returns sin(x).
func Sin(x Number) Number {
	s, c := math.Sincos(x.Real)
	return chain(x, s, c, -s)
}

package hyperdual

import "math"

// Exp returns eˣ.
func Exp(x Number) Number {
	e := math.Exp(x.Real)
	return chain(x, e, e, e)
}

// Expm1 returns eˣ − 1.
func Expm1(x Number) Number {
	e := math.Exp(x.Real)
	return chain(x, math.Expm1(x.Real), e, e)
}

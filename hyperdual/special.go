package hyperdual

import "math"

// Erf returns the error function of x.
func Erf(x Number) Number {
	a := x.Real
	d1 := 2 / math.SqrtPi * math.Exp(-a*a)
	return chain(x, math.Erf(a), d1, -2*a*d1)
}

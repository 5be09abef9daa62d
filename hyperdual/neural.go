package hyperdual

import "math"

// logistic returns σ(a) = 1/(1+e⁻ᵃ) and its complement 1−σ(a) = σ(−a), each
// computed without cancellation or overflow.
func logistic(a float64) (s, sc float64) {
	if a >= 0 {
		e := math.Exp(-a)
		return 1 / (1 + e), e / (1 + e)
	}
	e := math.Exp(a)
	return e / (1 + e), 1 / (1 + e)
}

// Sigmoid returns the logistic function σ(x) = 1/(1+e⁻ˣ).
func Sigmoid(x Number) Number {
	s, sc := logistic(x.Real)
	d1 := s * sc
	return chain(x, s, d1, d1*(sc-s))
}

// Softplus returns log(1+eˣ).
func Softplus(x Number) Number {
	a := x.Real
	var f float64
	if a > 0 {
		f = a + math.Log1p(math.Exp(-a))
	} else {
		f = math.Log1p(math.Exp(a))
	}
	s, sc := logistic(a)
	return chain(x, f, s, s*sc)
}

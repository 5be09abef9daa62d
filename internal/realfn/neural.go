package realfn

import "math"

// Logistic returns σ(a) = 1/(1+e⁻ᵃ) and its complement 1−σ(a) = σ(−a), each
// computed from e^−|a| ≤ 1, so neither cancels nor overflows.
func Logistic(a float64) (s, sc float64) {
	return logistic(a, math.Exp(-math.Abs(a)))
}

// logistic returns σ(a) and 1−σ(a) given e = e^−|a|.
func logistic(a, e float64) (s, sc float64) {
	r := 1 / (1 + e) // one division for both
	if a >= 0 {
		return r, e * r
	}
	return e * r, r
}

// Sigmoid returns the jet of σ(x) at a: f′ = σ(1−σ) and f″ = σ(1−σ)(1−2σ),
// each factor from Logistic, so f′ keeps full relative precision in both
// tails and never overflows.
func Sigmoid(a float64) (Jet, Mode) {
	s, sc := Logistic(a)
	d1 := s * sc
	return Jet{s, d1, d1 * oneMinus2Sigma(a, s, sc)}, Mode{}
}

// oneMinus2Sigma returns 1 − 2σ(a) = (1−σ) − σ. For |a| < ½ the two terms
// are close to ½ and their difference cancels, so it uses the identity
// 1 − 2σ(a) = −tanh(a/2) there; elsewhere the difference exceeds tanh(¼) and
// loses at most a few ulps.
func oneMinus2Sigma(a, s, sc float64) float64 {
	if math.Abs(a) < 0.5 {
		return -math.Tanh(a / 2)
	}
	return sc - s
}

// Softplus returns the jet of log(1+eˣ) at a: the value is
// max(a, 0) + log1p(e^−|a|), which neither overflows for large a nor loses
// precision for very negative a, and f′ = σ(a), f″ = σ(a)(1−σ(a)), all from
// the one e^−|a|.
func Softplus(a float64) (Jet, Mode) {
	e := math.Exp(-math.Abs(a))
	f := math.Log1p(e)
	if a > 0 {
		f += a
	}
	s, sc := logistic(a, e)
	return Jet{f, s, s * sc}, Mode{}
}

package dual

import "math"

// Exp returns eˣ. The ε part is eᵃ·b, evaluated as (e^(a/2)·b)·e^(a/2) where
// math.Exp(a) overflows or underflows, so it stays right and finite where
// eᵃ·b is representable. (On amd64, math.Exp returns +Inf from a ≈ 709.44
// although eᵃ is finite up to 709.78; the real part follows math.Exp.)
//
// Special cases are:
//
//	Exp(+Inf) = +Inf; f′ = +Inf
//	Exp(−Inf) = 0; f′ = 0
//	Exp(x) = +Inf with a finite ε part where math.Exp(a) overflows but eᵃ·b, for a normal b, does not
//	Exp(NaN) = NaN
func Exp(x Number) Number {
	e := math.Exp(x.Real)
	return Number{e, expTangent(x.Real, e, x.Eps)}
}

// Exp2 returns 2ˣ. The ε part is ln2·2ᵃ·b, evaluated like Exp's.
//
// Special cases are:
//
//	Exp2(+Inf) = +Inf; f′ = +Inf
//	Exp2(−Inf) = 0; f′ = 0
//	Exp2(x) = +Inf with a finite ε part where 2ᵃ overflows but ln2·2ᵃ·b, for a normal b, does not
//	Exp2(NaN) = NaN
func Exp2(x Number) Number {
	e := math.Exp2(x.Real)
	return Number{e, exp2Tangent(x.Real, e, x.Eps)}
}

// Expm1 returns eˣ − 1, accurate near 0. The ε part is eᵃ·b, evaluated like
// Exp's.
//
// Special cases are:
//
//	Expm1(+Inf) = +Inf; f′ = +Inf
//	Expm1(x) has a finite ε part where eᵃ overflows but eᵃ·b, for a normal b, does not
//	Expm1(−Inf) = −1; f′ = 0
//	Expm1(NaN) = NaN
func Expm1(x Number) Number {
	return Number{math.Expm1(x.Real), expTangent(x.Real, math.Exp(x.Real), x.Eps)}
}

// expTangent returns e·t for e = math.Exp(a) without the intermediate
// overflow or underflow of e itself.
func expTangent(a, e, t float64) float64 {
	if e >= 0x1p-1022 && e <= math.MaxFloat64 {
		return e * t
	}
	if t == 0 {
		return tangent(e, t)
	}
	h := math.Exp(a / 2)
	return h * t * h
}

// exp2Tangent returns ln2·e·t for e = math.Exp2(a) without the intermediate
// overflow or underflow of e itself.
func exp2Tangent(a, e, t float64) float64 {
	if e >= 0x1p-1022 && e <= math.MaxFloat64 {
		return math.Ln2 * e * t
	}
	if t == 0 {
		return tangent(e, t)
	}
	h := math.Exp2(a / 2)
	return h * (math.Ln2 * t) * h
}

// Log returns the natural logarithm of x. The derivative is 1/a.
//
// Special cases are:
//
//	Log(+Inf) = +Inf; f′ = 0
//	Log(±0) = −Inf; f′ = +Inf (the one-sided limit, also for −0)
//	Log(x) = NaN; f′ = NaN for x < 0
//	Log(NaN) = NaN
func Log(x Number) Number {
	return chain(x, math.Log(x.Real), logDeriv(x.Real, 1))
}

// Log2 returns the binary logarithm of x. The derivative is 1/(a·ln2).
//
// Special cases are as for Log.
func Log2(x Number) Number {
	return chain(x, math.Log2(x.Real), logDeriv(x.Real, math.Ln2))
}

// Log10 returns the decimal logarithm of x. The derivative is 1/(a·ln10).
//
// Special cases are as for Log.
func Log10(x Number) Number {
	return chain(x, math.Log10(x.Real), logDeriv(x.Real, math.Ln10))
}

// Log1p returns log(1+x), accurate near 0. The derivative is 1/(1+a).
//
// Special cases are:
//
//	Log1p(+Inf) = +Inf; f′ = 0
//	Log1p(−1) = −Inf; f′ = +Inf
//	Log1p(x) = NaN; f′ = NaN for x < −1
//	Log1p(NaN) = NaN
func Log1p(x Number) Number {
	a := x.Real
	d1 := math.NaN()
	switch {
	case a > -1:
		d1 = 1 / (1 + a)
	case a == -1:
		d1 = math.Inf(1)
	}
	return chain(x, math.Log1p(a), d1)
}

// logDeriv returns 1/(k·a), the derivative of the logarithm whose base has
// natural log k. At ±0 it is the one-sided +Inf; below 0 it is NaN, since
// the logarithm is undefined there.
func logDeriv(a, k float64) float64 {
	switch {
	case a > 0:
		return 1 / (k * a)
	case a == 0:
		return math.Inf(1)
	}
	return math.NaN()
}

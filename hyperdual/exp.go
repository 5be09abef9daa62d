package hyperdual

import "math"

// Exp returns eˣ. Where eᵃ overflows or underflows but eᵃ·b does not, the
// derivative parts are evaluated as (e^(a/2)·b)·e^(a/2), so they stay right
// and finite.
//
// Special cases are:
//
//	Exp(+Inf) = +Inf; f′ = f″ = +Inf
//	Exp(−Inf) = 0; f′ = f″ = 0
//	Exp(x) = +Inf with finite derivative parts where math.Exp(a) overflows but math.Exp(a/2) does not, for small enough tangents
//	Exp(NaN) = NaN
func Exp(x Number) Number {
	a := x.Real
	e := math.Exp(a)
	if e >= minNormal && e <= math.MaxFloat64 {
		return chain(x, e, e, e)
	}
	return scaledChain(x, e, math.Exp(a/2), 1, 1)
}

// Exp2 returns 2ˣ. The derivatives are ln2·2ᵃ and ln²2·2ᵃ, evaluated like
// Exp's where 2ᵃ overflows or underflows.
//
// Special cases are:
//
//	Exp2(+Inf) = +Inf; f′ = f″ = +Inf
//	Exp2(−Inf) = 0; f′ = f″ = 0
//	Exp2(x) = +Inf with finite derivative parts for 1024 ≤ a < 2048 and small enough tangents
//	Exp2(NaN) = NaN
func Exp2(x Number) Number {
	a := x.Real
	e := math.Exp2(a)
	if e >= minNormal && e <= math.MaxFloat64 {
		return chain(x, e, math.Ln2*e, ln2Sq*e)
	}
	return scaledChain(x, e, math.Exp2(a/2), math.Ln2, ln2Sq)
}

const ln2Sq = math.Ln2 * math.Ln2

// Expm1 returns eˣ − 1, accurate near 0. The derivatives are eᵃ, evaluated
// like Exp's.
//
// Special cases are:
//
//	Expm1(+Inf) = +Inf; f′ = f″ = +Inf
//	Expm1(−Inf) = −1; f′ = f″ = 0
//	Expm1(x) = +Inf with finite derivative parts where math.Exp(a) overflows but math.Exp(a/2) does not, for small enough tangents
//	Expm1(NaN) = NaN
func Expm1(x Number) Number {
	a := x.Real
	e := math.Exp(a)
	if e >= minNormal && e <= math.MaxFloat64 {
		return chain(x, math.Expm1(a), e, e)
	}
	return scaledChain(x, math.Expm1(a), math.Exp(a/2), 1, 1)
}

// scaledChain is chain for f′ = k1·h² and f″ = k2·h², where h² overflows or
// underflows but the derivative parts may not: each is computed as (h·t)·h.
func scaledChain(x Number, f, h, k1, k2 float64) Number {
	return Number{
		Real: f,
		E1:   scaledTangent(h, k1*x.E1),
		E2:   scaledTangent(h, k1*x.E2),
		// (h·b)(h·c) rather than h·(b·c)·h: b·c may overflow where the
		// product does not.
		E12: scaledTangent(h, k1*x.E12) + mixed(k2, tangent(h, x.E1), tangent(h, x.E2)),
	}
}

// scaledTangent returns h·t·h, and t itself when t is ±0, even if h is not
// finite.
func scaledTangent(h, t float64) float64 {
	if t == 0 {
		return t
	}
	return h * t * h
}

package hyperdual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Exp returns eˣ. Where eᵃ overflows or underflows but eᵃ·b does not, the
// derivative parts are evaluated as e^(a/2)·(e^(a/2)·b), so they stay right
// and finite.
//
// Special cases are:
//
//	Exp(+Inf) = +Inf; f′ = f″ = +Inf
//	Exp(−Inf) = 0; f′ = f″ = 0
//	Exp(x) = +Inf with finite derivative parts where math.Exp(a) overflows but math.Exp(a/2) does not, for small enough tangents
//	Exp(NaN) = NaN
func Exp(x Number) Number {
	return x.chain(realfn.Exp(x.Real))
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
	return x.chain(realfn.Exp2(x.Real))
}

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
	return x.chain(realfn.Expm1(x.Real))
}

// Log returns the natural logarithm of x. The derivative parts are b/a, c/a
// and d/a − (b/a)(c/a), which never form 1/a², so they do not overflow where
// the result is representable.
//
// Special cases are:
//
//	Log(+Inf) = +Inf; f′ = 0, f″ = −0
//	Log(±0) = −Inf; f′ = +Inf, f″ = −Inf
//	Log(x) = NaN; f′ = f″ = NaN for x < 0
//	Log(NaN) = NaN
func Log(x Number) Number {
	return x.chain(realfn.Log(x.Real))
}

// Log2 returns the binary logarithm of x, Log(x)/ln 2 in the derivative
// parts.
//
// Special cases are as for Log.
func Log2(x Number) Number {
	return x.chain(realfn.Log2(x.Real))
}

// Log10 returns the decimal logarithm of x, Log(x)/ln 10 in the derivative
// parts.
//
// Special cases are as for Log.
func Log10(x Number) Number {
	return x.chain(realfn.Log10(x.Real))
}

// Log1p returns log(1+x), accurate near 0. The derivatives are 1/(1+a) and
// −1/(1+a)².
//
// Special cases are:
//
//	Log1p(+Inf) = +Inf; f′ = 0, f″ = −0
//	Log1p(−1) = −Inf; f′ = +Inf, f″ = −Inf
//	Log1p(x) = NaN; f′ = f″ = NaN for x < −1
//	Log1p(NaN) = NaN
func Log1p(x Number) Number {
	return x.chain(realfn.Log1p(x.Real))
}

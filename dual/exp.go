package dual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Exp returns eˣ. The ε part is eᵃ·b, evaluated as e^(a/2)·(e^(a/2)·b) where
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
	return x.chain(realfn.Exp(x.Real))
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
	return x.chain(realfn.Exp2(x.Real))
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
	return x.chain(realfn.Expm1(x.Real))
}

// Log returns the natural logarithm of x. The derivative is 1/a, applied as
// b/a, which does not overflow where the ε part is representable.
//
// Special cases are:
//
//	Log(+Inf) = +Inf; f′ = 0
//	Log(±0) = −Inf; f′ = +Inf (the one-sided limit, also for −0)
//	Log(x) = NaN; f′ = NaN for x < 0
//	Log(NaN) = NaN
func Log(x Number) Number {
	return x.chain(realfn.Log(x.Real))
}

// Log2 returns the binary logarithm of x. The derivative is 1/(a·ln2),
// applied as log₂e·(b/a).
//
// Special cases are as for Log.
func Log2(x Number) Number {
	return x.chain(realfn.Log2(x.Real))
}

// Log10 returns the decimal logarithm of x. The derivative is 1/(a·ln10),
// applied as log₁₀e·(b/a).
//
// Special cases are as for Log.
func Log10(x Number) Number {
	return x.chain(realfn.Log10(x.Real))
}

// Log1p returns log(1+x), accurate near 0. The derivative is 1/(1+a),
// applied as b/(1+a).
//
// Special cases are:
//
//	Log1p(+Inf) = +Inf; f′ = 0
//	Log1p(−1) = −Inf; f′ = +Inf
//	Log1p(x) = NaN; f′ = NaN for x < −1
//	Log1p(NaN) = NaN
func Log1p(x Number) Number {
	return x.chain(realfn.Log1p(x.Real))
}

package hyperdual

import "math"

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
	return logChain(x, math.Log(x.Real), x.Real, 1)
}

// Log2 returns the binary logarithm of x, Log(x)/ln 2 in the derivative
// parts.
//
// Special cases are as for Log.
func Log2(x Number) Number {
	return logChain(x, math.Log2(x.Real), x.Real, math.Log2E)
}

// Log10 returns the decimal logarithm of x, Log(x)/ln 10 in the derivative
// parts.
//
// Special cases are as for Log.
func Log10(x Number) Number {
	return logChain(x, math.Log10(x.Real), x.Real, math.Log10E)
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
	return logChain(x, math.Log1p(x.Real), 1+x.Real, 1)
}

// logChain returns the derivative parts of k·log(u) for the argument x whose
// real part maps to u, with value f.
func logChain(x Number, f, u, k float64) Number {
	switch {
	case u > 0:
		rb, rc := x.E1/u, x.E2/u
		return Number{f, k * rb, k * rc, k * (x.E12/u - mixed(1, rb, rc))}
	case u == 0:
		return chain(x, f, math.Inf(1), math.Inf(-1))
	}
	return chain(x, f, math.NaN(), math.NaN())
}

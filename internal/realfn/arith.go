package realfn

import "math"

// The first-order parts of the arithmetic, for tangents t of x and s of y.
// Package hyperdual evaluates the same expressions without these checks on
// its fast paths and falls back to these functions when a part comes out NaN
// (or, for Div, infinite), so its E1 part is always the value below.

// ProdTangent returns a·s + c·t, the first-order part of x·y for x = a + tε
// and y = c + sε.
func ProdTangent(a, t, c, s float64) float64 {
	return Tangent(a, s) + Tangent(c, t)
}

// QuoTangent returns (t − q·s)/c, the first-order part of q = x/y for
// x = a + tε and y = c + sε. The recurrence, which follows from x = q·y,
// never forms c². Where q·s overflows although q and s are finite (a huge
// quotient times a huge tangent, with |c| > 1) it is evaluated as
// t/c − (q/c)·s instead, so the part overflows only if it is not
// representable.
func QuoTangent(q, t, c, s float64) float64 {
	if p := q * s; p-p == 0 {
		// q·s is finite, so it is Tangent(q, s): the common path, inlined.
		return Ratio(t-p, c)
	}
	return quoTangent(q, t, c, s)
}

func quoTangent(q, t, c, s float64) float64 {
	p := Tangent(q, s)
	if math.IsInf(p, 0) && !math.IsInf(q, 0) && !math.IsInf(s, 0) {
		return Ratio(t, c) - Tangent(q/c, s)
	}
	return Ratio(t-p, c)
}

// InvTangent returns −(q·t)/a, the first-order part of q = 1/x for
// x = a + tε, which never forms a².
func InvTangent(q, a, t float64) float64 {
	return Ratio(-Tangent(q, t), a)
}

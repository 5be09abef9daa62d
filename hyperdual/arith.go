package hyperdual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Add returns x + y.
func Add(x, y Number) Number {
	return Number{x.Real + y.Real, x.E1 + y.E1, x.E2 + y.E2, x.E12 + y.E12}
}

// Sub returns x − y.
func Sub(x, y Number) Number {
	return Number{x.Real - y.Real, x.E1 - y.E1, x.E2 - y.E2, x.E12 - y.E12}
}

// Neg returns −x.
func Neg(x Number) Number {
	return Number{-x.Real, -x.E1, -x.E2, -x.E12}
}

// Scale returns f·x for a real constant f.
//
// Special cases are:
//
//	Scale(±Inf, x) = ±Inf·x.Real with 0 in every part whose tangent is exactly zero
func Scale(f float64, x Number) Number {
	return Number{f * x.Real, realfn.Tangent(f, x.E1), realfn.Tangent(f, x.E2), realfn.Tangent(f, x.E12)}
}

// Mul returns x·y.
//
// Special cases are:
//
//	Mul(x, y) has 0 for every product term with an exactly zero tangent
//	factor, so Mul(Const(Inf), Const(2)) = +Inf with zero derivative parts
func Mul(x, y Number) Number {
	r := Number{
		Real: x.Real * y.Real,
		E1:   x.Real*y.E1 + x.E1*y.Real,
		E2:   x.Real*y.E2 + x.E2*y.Real,
		E12:  x.Real*y.E12 + (x.E1*y.E2 + x.E2*y.E1) + x.E12*y.Real,
	}
	if r.E1 != r.E1 || r.E2 != r.E2 || r.E12 != r.E12 {
		// A NaN may come from 0·∞ in a term with a zero tangent factor.
		return mulSlow(x, y)
	}
	// Without a NaN, E1 and E2 are realfn.ProdTangent's values.
	return r
}

func mulSlow(x, y Number) Number {
	return Number{
		Real: x.Real * y.Real,
		E1:   realfn.ProdTangent(x.Real, x.E1, y.Real, y.E1),
		E2:   realfn.ProdTangent(x.Real, x.E2, y.Real, y.E2),
		E12: realfn.Tangent(x.Real, y.E12) +
			(mixed(1, x.E1, y.E2) + mixed(1, x.E2, y.E1)) +
			realfn.Tangent(y.Real, x.E12),
	}
}

// Div returns x/y. The derivative parts come from the recurrence for q = x/y,
// q′ = (x′ − q·y′)/y, which never forms y² and so does not overflow or
// underflow where the result is representable.
//
// Special cases are:
//
//	Div(x, ±0) = x.Real/±0; the partials 1/y, −x/y², … are infinite, or NaN for x.Real = 0
//	Div(x, y) has 0 for every term with an exactly zero tangent factor
func Div(x, y Number) Number {
	v := y.Real
	q := x.Real / v
	q1 := (x.E1 - q*y.E1) / v
	q2 := (x.E2 - q*y.E2) / v
	q12 := (x.E12 - q*y.E12 - (q1*y.E2 + q2*y.E1)) / v
	// x − x is NaN for ±Inf and NaN: an infinite first-order part may come
	// from q·y′ overflowing, which divSlow avoids.
	if q1-q1 != 0 || q2-q2 != 0 || q12 != q12 {
		return divSlow(x, y)
	}
	return Number{q, q1, q2, q12}
}

// divSlow evaluates Div's recurrence with the zero-tangent rule in every
// product and quotient (realfn.Tangent, realfn.Ratio, and mixed for the
// cross terms q₁y₂ + q₂y₁, whose factors are first-order parts), so a term
// with an exactly zero tangent factor contributes 0 even where q or 1/y is
// infinite;
// the first-order parts are realfn.QuoTangent's, which also avoids an
// overflow of q·y′. Like the fast path it never forms 1/y², so an infinite
// tangent meets no underflowed second partial.
func divSlow(x, y Number) Number {
	v := y.Real
	q := x.Real / v
	q1 := realfn.QuoTangent(q, x.E1, v, y.E1)
	q2 := realfn.QuoTangent(q, x.E2, v, y.E2)
	cross := mixed(1, q1, y.E2) + mixed(1, q2, y.E1)
	return Number{q, q1, q2, realfn.Ratio(x.E12-realfn.Tangent(q, y.E12)-cross, v)}
}

// Inv returns 1/x. The derivative parts come from Div's recurrence with
// x = 1: q′ = −(q·x′)/x, which never forms x².
//
// Special cases are:
//
//	Inv(±0) = ±Inf; f′ = −Inf, f″ = ±Inf
//	Inv(±Inf) = ±0; f′ = −0, f″ = 0
//	Inv(NaN) = NaN
func Inv(x Number) Number {
	v := x.Real
	q := 1 / v
	q1 := -(q * x.E1) / v
	q2 := -(q * x.E2) / v
	q12 := -(q*x.E12 + (q1*x.E2 + q2*x.E1)) / v
	if q1 != q1 || q2 != q2 || q12 != q12 {
		return invSlow(x)
	}
	return Number{q, q1, q2, q12}
}

// invSlow evaluates Inv's recurrence with the zero-tangent rule in every
// product and quotient, like divSlow.
func invSlow(x Number) Number {
	v := x.Real
	q := 1 / v
	q1 := realfn.InvTangent(q, v, x.E1)
	q2 := realfn.InvTangent(q, v, x.E2)
	cross := mixed(1, q1, x.E2) + mixed(1, q2, x.E1)
	return Number{q, q1, q2, realfn.Ratio(-(realfn.Tangent(q, x.E12) + cross), v)}
}

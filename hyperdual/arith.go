package hyperdual

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
	return Number{f * x.Real, tangent(f, x.E1), tangent(f, x.E2), tangent(f, x.E12)}
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
	return r
}

func mulSlow(x, y Number) Number {
	return Number{
		Real: x.Real * y.Real,
		E1:   tangent(x.Real, y.E1) + tangent(y.Real, x.E1),
		E2:   tangent(x.Real, y.E2) + tangent(y.Real, x.E2),
		E12: tangent(x.Real, y.E12) +
			(mixed(1, x.E1, y.E2) + mixed(1, x.E2, y.E1)) +
			tangent(y.Real, x.E12),
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
	if q1 != q1 || q2 != q2 || q12 != q12 {
		return divSlow(x, y)
	}
	return Number{q, q1, q2, q12}
}

// divSlow evaluates Div term by term with the zero-tangent rule. The partials
// of u/v are 1/v and −q/v; the second partials 0, −1/v² and 2q/v². The zero
// ∂²/∂u² is left out rather than multiplied, so an infinite tangent of x
// divided by a constant stays infinite instead of becoming NaN.
func divSlow(x, y Number) Number {
	v := y.Real
	q := x.Real / v
	r := 1 / v
	fv := -q * r
	fuv, fvv := -r*r, -2*fv*r
	return Number{
		Real: q,
		E1:   tangent(r, x.E1) + tangent(fv, y.E1),
		E2:   tangent(r, x.E2) + tangent(fv, y.E2),
		E12: tangent(r, x.E12) + tangent(fv, y.E12) +
			(mixed(fuv, x.E1, y.E2) + mixed(fuv, x.E2, y.E1)) +
			mixed(fvv, y.E1, y.E2),
	}
}

// Inv returns 1/x.
//
// Special cases are:
//
//	Inv(±0) = ±Inf; f′ = −Inf, f″ = ±Inf
//	Inv(±Inf) = ±0; f′ = −0, f″ = 0
//	Inv(NaN) = NaN
func Inv(x Number) Number {
	v := x.Real
	q := 1 / v
	q1 := -(q * x.E1) * q
	q2 := -(q * x.E2) * q
	q12 := -(q*x.E12 + (q1*x.E2 + q2*x.E1)) * q
	if q1 != q1 || q2 != q2 || q12 != q12 {
		return chain(x, q, -q*q, 2*q*q*q)
	}
	return Number{q, q1, q2, q12}
}

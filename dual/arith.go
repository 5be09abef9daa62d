package dual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Add returns x + y.
func Add(x, y Number) Number {
	return Number{x.Real + y.Real, x.Eps + y.Eps}
}

// Sub returns x − y.
func Sub(x, y Number) Number {
	return Number{x.Real - y.Real, x.Eps - y.Eps}
}

// Neg returns −x.
func Neg(x Number) Number {
	return Number{-x.Real, -x.Eps}
}

// Mul returns x·y. For x = a+bε and y = c+dε the ε part is a·d + b·c.
//
// Special cases are:
//
//	Mul(x, y) has 0 for each product term with an exactly zero tangent
//	factor, so Mul(Const(Inf), Const(2)) = +Inf with a zero ε part
func Mul(x, y Number) Number {
	return Number{x.Real * y.Real, realfn.ProdTangent(x.Real, x.Eps, y.Real, y.Eps)}
}

// Scale returns f·x for a real constant f.
//
// Special cases are:
//
//	Scale(±Inf, x) = ±Inf·a with a zero ε part when x has a zero tangent
func Scale(f float64, x Number) Number {
	return Number{f * x.Real, realfn.Tangent(f, x.Eps)}
}

// Div returns x/y. For x = a+bε and y = c+dε the ε part comes from the
// recurrence for q = x/y, q′ = (b − q·d)/c, which never forms c² and so does
// not overflow or underflow where the result is representable.
//
// Special cases are:
//
//	Div(x, ±0) = a/±0; the partials 1/c and −a/c² are infinite, or NaN for a = 0
//	Div(x, y) has 0 for each term with an exactly zero tangent factor
func Div(x, y Number) Number {
	q := x.Real / y.Real
	return Number{q, realfn.QuoTangent(q, x.Eps, y.Real, y.Eps)}
}

// Inv returns 1/x. For x = a+bε the ε part is −((1/a)·b)/a, which never
// forms a².
//
// Special cases are:
//
//	Inv(±0) = ±Inf; f′ = −Inf
//	Inv(±Inf) = ±0; f′ = −0
//	Inv(NaN) = NaN
func Inv(x Number) Number {
	q := 1 / x.Real
	return Number{q, realfn.InvTangent(q, x.Real, x.Eps)}
}

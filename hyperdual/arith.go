package hyperdual

// Add returns x + y.
func Add(x, y Number) Number {
	return Number{x.Real + y.Real, x.E1 + y.E1, x.E2 + y.E2, x.E12 + y.E12}
}

// Sub returns x − y.
func Sub(x, y Number) Number {
	return Number{x.Real - y.Real, x.E1 - y.E1, x.E2 - y.E2, x.E12 - y.E12}
}

// Mul returns x·y.
func Mul(x, y Number) Number {
	return Number{
		Real: x.Real * y.Real,
		E1:   x.Real*y.E1 + x.E1*y.Real,
		E2:   x.Real*y.E2 + x.E2*y.Real,
		E12:  x.Real*y.E12 + x.E1*y.E2 + x.E2*y.E1 + x.E12*y.Real,
	}
}

// Scale returns f·x.
func Scale(f float64, x Number) Number {
	return Number{f * x.Real, f * x.E1, f * x.E2, f * x.E12}
}

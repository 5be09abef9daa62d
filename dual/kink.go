package dual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Abs returns the absolute value of x. The derivative is sign(a), and 0 at
// a = ±0, PyTorch's convention for the kink. At NaN the derivative is NaN,
// where PyTorch's is 0 (torch.sgn(NaN) is 0).
//
// Special cases are:
//
//	Abs(±0) = +0; f′ = 0
//	Abs(±Inf) = +Inf; f′ = ±1
//	Abs(NaN) = NaN; f′ = NaN
func Abs(x Number) Number {
	return x.chain(realfn.Abs(x.Real))
}

// Max returns the larger of x and y, comparing real parts only. At a tie the
// derivative is split evenly, ½ to each argument, as in PyTorch's maximum.
// Where a real part is NaN the result follows math.Max: the +Inf argument if
// there is one, else NaN with NaN partials; PyTorch's maximum is NaN there
// and passes the whole gradient to both arguments.
//
// Special cases are:
//
//	Max(x, y) = ½(x+y) in the ε part where x.Real == y.Real, including ±0 and ±Inf ties
//	Max(x, y) = x where x.Real = +Inf and y.Real is NaN, and likewise with x and y exchanged
//	Max(x, y) = NaN; partials NaN, where either real part is NaN and neither is +Inf
func Max(x, y Number) Number {
	m, side := realfn.Max(x.Real, y.Real)
	return Number{m, side.Mix(x.Eps, y.Eps)}
}

// Min returns the smaller of x and y, comparing real parts only. At a tie the
// derivative is split evenly, ½ to each argument, as in PyTorch's minimum.
// Where a real part is NaN the result follows math.Min: the −Inf argument if
// there is one, else NaN with NaN partials; PyTorch's minimum is NaN there
// and passes the whole gradient to both arguments.
//
// Special cases are:
//
//	Min(x, y) = ½(x+y) in the ε part where x.Real == y.Real, including ±0 and ±Inf ties
//	Min(x, y) = x where x.Real = −Inf and y.Real is NaN, and likewise with x and y exchanged
//	Min(x, y) = NaN; partials NaN, where either real part is NaN and neither is −Inf
func Min(x, y Number) Number {
	m, side := realfn.Min(x.Real, y.Real)
	return Number{m, side.Mix(x.Eps, y.Eps)}
}

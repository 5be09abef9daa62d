package hyperdual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Abs returns the absolute value of x. Away from 0 it returns x or −x
// unchanged in every part; at the kink a = ±0 every derivative is 0,
// PyTorch's convention. At NaN the derivatives are NaN, where PyTorch's are
// 0 (torch.sgn(NaN) is 0).
//
// Special cases are:
//
//	Abs(±0) = +0; f′ = f″ = 0, so the derivative parts are 0·b, 0·c, 0·d
//	Abs(±Inf) = +Inf; f′ = ±1, f″ = 0
//	Abs(NaN) = NaN; f′ = f″ = NaN
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
//	Max(x, y) = ½(x+y) in the derivative parts where x.Real == y.Real, including ±0 and ±Inf ties
//	Max(x, y) = x where x.Real = +Inf and y.Real is NaN, and likewise with x and y exchanged
//	Max(x, y) = NaN; partials NaN, where either real part is NaN and neither is +Inf
func Max(x, y Number) Number {
	m, side := realfn.Max(x.Real, y.Real)
	return Number{m, side.Mix(x.E1, y.E1), side.Mix(x.E2, y.E2), side.Mix(x.E12, y.E12)}
}

// Min returns the smaller of x and y, comparing real parts only. At a tie the
// derivative is split evenly, ½ to each argument, as in PyTorch's minimum.
// Where a real part is NaN the result follows math.Min: the −Inf argument if
// there is one, else NaN with NaN partials; PyTorch's minimum is NaN there
// and passes the whole gradient to both arguments.
//
// Special cases are:
//
//	Min(x, y) = ½(x+y) in the derivative parts where x.Real == y.Real, including ±0 and ±Inf ties
//	Min(x, y) = x where x.Real = −Inf and y.Real is NaN, and likewise with x and y exchanged
//	Min(x, y) = NaN; partials NaN, where either real part is NaN and neither is −Inf
func Min(x, y Number) Number {
	m, side := realfn.Min(x.Real, y.Real)
	return Number{m, side.Mix(x.E1, y.E1), side.Mix(x.E2, y.E2), side.Mix(x.E12, y.E12)}
}

package cossim

import (
	"math"

	"github.com/dualgrad/dualgrad/internal/vec"
)

// The quotient rule, scale-safe. sᵢ = cᵢ²/(G·Uᵢ + ε) is invariant to scaling
// g and uᵢ, but c², G·U and their products overflow or underflow long
// before sᵢ and its derivatives do (at |g|²|uᵢ|² outside about
// [1e−154, 1e154]). So everything is written in the unit vectors
// ĝ = g/|g|, ûᵢ = uᵢ/|uᵢ|, with norms from a scaled sum of squares:
//
//	ĉᵢ = ĝ·ûᵢ,   ρᵢ = G·Uᵢ/(G·Uᵢ + ε) = 1/(1 + ε/(|g||uᵢ|)²),   sᵢ = ĉᵢ²·ρᵢ
//	∂sᵢ/∂g  = (2ĉᵢρᵢ/|g|)(ûᵢ − ĉᵢρᵢ·ĝ)
//	∂sᵢ/∂uᵢ = (2ĉᵢρᵢ/|uᵢ|)(ĝ − ĉᵢρᵢ·ûᵢ)
//
// and, for engines that have the derivatives of c and of the norms
// themselves,
//
//	∂sᵢ = (2ĉᵢρᵢ/(|g||uᵢ|))·∂cᵢ − 2ĉᵢ²ρᵢ²·(∂|g|/|g| + ∂|uᵢ|/|uᵢ|),
//
// where ∂|g| = ĝ·∂g and ∂|uᵢ| = ûᵢ·∂uᵢ. Those engines take ∂|g| directly
// (seeding ĝ, not g) rather than ∂G = 2g·∂g: ∂G scales as the cube of the
// networks' scale and leaves float64 at scales where s and ∂s are
// ordinary numbers. See docs/math.md.

// norm2 returns |x|. The plain sum of squares, in four partial sums, is
// used where it can have neither overflowed nor lost anything to
// underflow: where it is finite and at least 2⁻⁹⁰⁰, any square that
// underflowed was below 2⁻¹⁰²² and so below its rounding error. Elsewhere
// |x| is accumulated as scale²·ssq, which neither overflows nor underflows
// where |x| itself is representable.
func norm2(x []float64) float64 {
	if s, _ := vec.SumSqDot(x, x); s >= 0x1p-900 && s <= math.MaxFloat64 {
		return math.Sqrt(s)
	}
	return norm2Scaled(x)
}

// normCosSums returns |x| = norm2(x) and x·y/|x|, for y at least as long
// as x, given (s, d) = vec.SumSqDot(x, y): from those plain sums where s is
// in range, and elsewhere from x scaled by a power of two. The cosine is 0
// where |x| is 0 or not finite.
func normCosSums(x, y []float64, s, d float64) (nrm, cos float64) {
	if s >= 0x1p-900 && s <= math.MaxFloat64 {
		nrm = math.Sqrt(s)
		return nrm, d / nrm
	}
	nrm = norm2Scaled(x)
	if nrm == 0 || math.IsInf(nrm, 0) || nrm != nrm {
		return nrm, 0
	}
	// x scaled by a power of two to a largest entry in [½, 1): exact but
	// for parts below 2⁻¹⁰⁷⁴ of the largest, and the cosine is then as
	// precise as in the plain case even where |x| is subnormal.
	mx := 0.0
	for _, v := range x {
		mx = math.Max(mx, math.Abs(v))
	}
	_, e := math.Frexp(mx)
	var ss float64
	for k, v := range x {
		w := math.Ldexp(v, -e)
		ss += w * w
		cos += w * y[k]
	}
	return nrm, cos / math.Sqrt(ss)
}

// norm2Scaled is norm2's scaled accumulation.
func norm2Scaled(x []float64) float64 {
	scale, ssq := 0.0, 1.0
	for _, v := range x {
		if v == 0 {
			continue
		}
		a := math.Abs(v)
		if scale < a {
			r := scale / a
			ssq = 1 + ssq*r*r
			scale = a
		} else {
			r := a / scale
			ssq += r * r
		}
	}
	return scale * math.Sqrt(ssq)
}

// cosines holds one sample's quotient-rule quantities.
type cosines struct {
	gn      float64   // |g|
	ghat    []float64 // ĝ
	un      []float64 // |uᵢ|
	chat    []float64 // ĉᵢ
	rho     []float64 // ρᵢ
	ss, dot []float64 // |uᵢ|² and uᵢ·ĝ as plain sums, eval's scratch
}

func newCosines(m, n int) *cosines {
	return &cosines{ghat: make([]float64, n), un: make([]float64, m), chat: make([]float64, m), rho: make([]float64, m),
		ss: make([]float64, m), dot: make([]float64, m)}
}

// eval computes the cosines of g and the rows of U (m rows of n, row
// stride n), writes s and the pieces into res, and reports an undefined
// cosine (ε = 0 and a zero norm) or a piece that overflows.
func (c *cosines) eval(res *Result, g, U []float64, eps float64) error {
	n := len(g)
	c.gn = norm2(g)
	if math.IsNaN(c.gn) || math.IsInf(c.gn, 0) {
		return &RangeError{Quantity: "|g|", Direction: -1, Value: c.gn}
	}
	if c.gn == 0 && eps == 0 {
		return &UndefinedError{Direction: -1, Cause: "zero gradient of Φ"}
	}
	switch inv, ok := recip(c.gn); {
	case ok: // a product per element, not a division (3 % of a small batch)
		for k, v := range g {
			c.ghat[k] = v * inv
		}
	case c.gn > 0:
		for k, v := range g {
			c.ghat[k] = v / c.gn
		}
	default:
		clear(c.ghat[:n])
	}
	res.GradNormSq = c.gn * c.gn
	m := len(c.un)
	vec.SumSqDotRows(c.ss, c.dot, U, n, c.ghat, n, m) // one call for the m columns, not m
	for i := range c.un {
		u := U[i*n : (i+1)*n]
		un, ch := normCosSums(u, c.ghat, c.ss[i], c.dot[i])
		c.un[i] = un
		if math.IsNaN(un) || math.IsInf(un, 0) {
			return &RangeError{Quantity: "|uᵢ|", Direction: i, Value: un}
		}
		if un == 0 && eps == 0 {
			return &UndefinedError{Direction: i, Cause: "zero Jacobian column of D"}
		}
		rho := 0.0
		if un == 0 || c.gn == 0 {
			ch = 0
		} else {
			// Cauchy–Schwarz, against round-off; comparisons, not
			// math.Max and Min, which are calls (2 % of a small batch).
			if ch > 1 {
				ch = 1
			} else if ch < -1 {
				ch = -1
			}
			rho = 1
			if eps > 0 {
				t := math.Sqrt(eps) / c.gn / un
				rho = 1 / (1 + t*t)
			}
		}
		c.chat[i], c.rho[i] = ch, rho
		res.S[i] = ch * ch * rho
		res.ColNormSq[i] = un * un
		res.Dot[i] = ch * c.gn * un
	}
	for i, v := range res.ColNormSq {
		if math.IsInf(v, 0) {
			return &RangeError{Quantity: "|uᵢ|²", Direction: i, Value: v}
		}
	}
	for i, v := range res.Dot {
		if math.IsInf(v, 0) {
			return &RangeError{Quantity: "cᵢ = g·uᵢ", Direction: i, Value: v}
		}
	}
	if math.IsInf(res.GradNormSq, 0) {
		return &RangeError{Quantity: "|g|²", Direction: -1, Value: res.GradNormSq}
	}
	return nil
}

// grads adds w·∂sᵢ/∂g = w·(2ĉρ/|g|)(ûᵢ − ĉρ·ĝ) to dg and writes
// w·∂sᵢ/∂uᵢ = w·(2ĉρ/|uᵢ|)(ĝ − ĉρ·ûᵢ) into du, for uᵢ = u: one pass
// that forms each element of ûᵢ once for both.
func (c *cosines) grads(dg, du []float64, i int, w float64, u []float64) {
	if c.un[i] == 0 || c.gn == 0 || w == 0 {
		clear(du)
		return
	}
	cr := c.chat[i] * c.rho[i]
	ag := w * 2 * cr / c.gn
	au := w * 2 * cr / c.un[i]
	gh := c.ghat[:len(u)]
	dg, du = dg[:len(u)], du[:len(u)]
	inv, ok := recip(c.un[i])
	if !ok {
		for k, v := range u {
			uh := v / c.un[i]
			dg[k] += ag * (uh - cr*gh[k])
			du[k] = au * (gh[k] - cr*uh)
		}
		return
	}
	vec.QuotientPair(dg, du, u, gh, inv, ag, au, cr)
}

// recip returns 1/x and whether multiplying by it may stand in for
// dividing by x: where 1/x is a normal number, the product is within an
// ulp of the quotient, and the loops save a division per element.
func recip(x float64) (float64, bool) {
	r := 1 / x
	return r, x >= 0x1p-1000 && x <= 0x1p1000
}

// quotient writes ∂sᵢ/∂p into dst from the derivatives dc of cᵢ, dg of
// |g| and du of |uᵢ| with respect to the same parameters (nil means zero),
// in the scale-safe form above.
func (c *cosines) quotient(dst []float64, i int, dc, dg, du []float64) {
	if c.un[i] == 0 || c.gn == 0 {
		clear(dst)
		return
	}
	ch, rho, un := c.chat[i], c.rho[i], c.un[i]
	a := 2 * ch * rho / c.gn / un
	b := 2 * ch * ch * rho * rho
	for k := range dst {
		v := 0.0
		if dc != nil {
			v += a * dc[k]
		}
		if dg != nil {
			v -= b * (dg[k] / c.gn)
		}
		if du != nil {
			v -= b * (du[k] / un)
		}
		dst[k] = v
	}
}

// normDeriv returns ∂|u| = û·∂u for u with |u| = un, formed from u/un so
// that it neither overflows nor underflows where the result is
// representable.
func normDeriv(u, du []float64, un float64) float64 {
	if un == 0 {
		return 0
	}
	s := 0.0
	for k, v := range u {
		s += (v / un) * du[k]
	}
	return s
}

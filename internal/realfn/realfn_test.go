package realfn

import (
	"math"
	"math/big"
	"testing"
)

const prec = 256

// bigExp returns eˣ to about 2⁻²⁰⁰ relative: x is halved k times into
// [−1/2, 1/2], the Taylor series is summed to 60 terms, and the result is
// squared k times. It is the independent oracle for both kernels.
func bigExp(x *big.Float) *big.Float {
	r := new(big.Float).SetPrec(prec).Set(x)
	k := 0
	half := big.NewFloat(0.5)
	for r.Cmp(half) > 0 || r.Cmp(new(big.Float).Neg(half)) < 0 {
		r.Quo(r, big.NewFloat(2))
		k++
	}
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := 1; n <= 60; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(n)))
		sum.Add(sum, term)
	}
	for ; k > 0; k-- {
		sum.Mul(sum, sum)
	}
	return sum
}

func relErr(got float64, want *big.Float) float64 {
	w, _ := want.Float64()
	if w == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-w) / math.Abs(w)
}

func TestLogistic(t *testing.T) {
	one := new(big.Float).SetPrec(prec).SetInt64(1)
	for _, a := range []float64{-700, -40, -5, -0.5, -1e-9, 0, 1e-9, 0.5, 5, 40, 700} {
		s, sc := Logistic(a)
		// σ(a) = 1/(1+e⁻ᵃ) and 1−σ(a) = 1/(1+eᵃ), in 256-bit arithmetic.
		e := bigExp(new(big.Float).SetPrec(prec).SetFloat64(-a))
		want := new(big.Float).SetPrec(prec).Quo(one, new(big.Float).SetPrec(prec).Add(one, e))
		e = bigExp(new(big.Float).SetPrec(prec).SetFloat64(a))
		wantC := new(big.Float).SetPrec(prec).Quo(one, new(big.Float).SetPrec(prec).Add(one, e))
		// A few ulps: one exp and one division each.
		if r := relErr(s, want); r > 4e-16 {
			t.Errorf("Logistic(%g): σ = %g, relative error %.2g", a, s, r)
		}
		if r := relErr(sc, wantC); r > 4e-16 {
			t.Errorf("Logistic(%g): 1−σ = %g, relative error %.2g", a, sc, r)
		}
	}
}

// TestGauss: the FMA correction keeps Gauss within a few ulps of e^(−a²)
// where the naive math.Exp(-a*a) is off by up to a²·2⁻⁵³ (≈ 8e-14 at 27).
func TestGauss(t *testing.T) {
	for _, a := range []float64{0, 0.1, 1, 3.7, 10.3, 25.9, 27.2} {
		ba := new(big.Float).SetPrec(prec).SetFloat64(a)
		want := bigExp(new(big.Float).SetPrec(prec).Neg(new(big.Float).SetPrec(prec).Mul(ba, ba)))
		if r := relErr(Gauss(a), want); r > 4e-16 {
			t.Errorf("Gauss(%g) = %g, relative error %.2g", a, Gauss(a), r)
		}
	}
	if Gauss(1e200) != 0 || Gauss(math.Inf(-1)) != 0 {
		t.Error("Gauss of a huge argument is not 0")
	}
}

func TestHypot(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	same := func(a, b float64) bool { // to one ulp
		return a == b || math.Abs(a-b) <= 2.3e-16*math.Abs(b) || (math.IsNaN(a) && math.IsNaN(b))
	}
	for _, tt := range []struct{ a, c, h, u, v float64 }{
		{3, -4, 5, 0.6, -0.8},
		{0, 0, 0, 0, 0},            // the kink
		{-inf, 2, inf, -1, 0},      // one infinite argument
		{inf, -inf, inf, nan, nan}, // direction undefined
		{1.5e308, 1.5e308, inf, math.Sqrt2 / 2, math.Sqrt2 / 2}, // only h overflows
		{nan, 1, nan, nan, nan},
	} {
		g, _, _ := Hypot(tt.a, tt.c)
		h, u, v := g.F, g.Fx, g.Fy
		if !same(h, tt.h) || !same(u, tt.u) || !same(v, tt.v) {
			t.Errorf("Hypot(%g, %g) = (%g, %g, %g), want (%g, %g, %g)", tt.a, tt.c, h, u, v, tt.h, tt.u, tt.v)
		}
	}
}

func TestTangentRatio(t *testing.T) {
	inf, nan, nz := math.Inf(1), math.NaN(), math.Copysign(0, -1)
	same := func(a, b float64) bool {
		return a == b && math.Signbit(a) == math.Signbit(b) || a != a && b != b
	}
	for _, tt := range []struct{ d, t, tangent, ratio float64 }{
		{2, 3, 6, 1.5},
		{inf, 0, 0, 0},     // zero tangent: 0, not 0·∞ or 0/0 ... ratio 0/Inf = 0
		{nan, nz, 0, 0},    // and not NaN
		{-2, 0, nz, nz},    // a finite factor keeps the IEEE sign
		{0, 0, 0, 0},       // 0/0 with a zero tangent is 0
		{inf, 1, inf, 0},   // nonzero tangents: IEEE
		{0, inf, nan, inf}, // 0·∞ with an infinite tangent is NaN
	} {
		if got := Tangent(tt.d, tt.t); !same(got, tt.tangent) {
			t.Errorf("Tangent(%v, %v) = %v, want %v", tt.d, tt.t, got, tt.tangent)
		}
		if got := Ratio(tt.t, tt.d); !same(got, tt.ratio) {
			t.Errorf("Ratio(%v, %v) = %v, want %v", tt.t, tt.d, got, tt.ratio)
		}
	}
}

// TestPrescale checks Apply and Term, including Term's fallback where a
// tangent divided by a tiny S overflows although the term does not.
func TestPrescale(t *testing.T) {
	if p := (Prescale{}); !p.None() || p.Apply(3) != 3 || p.Term(2, 3, 3) != 6 {
		t.Error("the zero Prescale is not the identity")
	}
	if got := Times(4).Apply(3); got != 12 {
		t.Errorf("Times(4).Apply(3) = %v", got)
	}
	if got := Over(4).Apply(3); got != 0.75 {
		t.Errorf("Over(4).Apply(3) = %v", got)
	}
	// 1e300/1e-300 overflows; 0·(1e300/1e-300) would be NaN, the term is 0.
	p := Over(1e-300)
	if got := p.Term(0, 1e300, p.Apply(1e300)); got != 0 {
		t.Errorf("Term(0, 1e300) over 1e-300 = %v, want 0", got)
	}
	// 1e-5·1e10/1e-300 = 1e305, although 1e10/1e-300 overflows.
	if got := p.Term(1e-5, 1e10, p.Apply(1e10)); math.Abs(got-1e305) > 1e290 {
		t.Errorf("Term(1e-5, 1e10) over 1e-300 = %v, want 1e305", got)
	}
	// A genuinely infinite tangent stays the IEEE product.
	if got := p.Term(0, math.Inf(1), p.Apply(math.Inf(1))); !math.IsNaN(got) {
		t.Errorf("Term(0, +Inf) = %v, want NaN", got)
	}
}

// TestQuoTangent checks the recurrence (t − q·s)/c, and that it stays
// finite where q·s overflows but the part does not.
func TestQuoTangent(t *testing.T) {
	if got := QuoTangent(1.5, 1, 2, 0.5); got != 0.125 {
		t.Errorf("QuoTangent(1.5, 1, 2, 0.5) = %v, want 0.125", got)
	}
	// x = 1e200, y = 1e154 + 1e300ε: q = 1e46 and the part is
	// −1e46·1e300/1e154 = −1e192, though q·s = 1e346 overflows.
	if got := QuoTangent(1e46, 0, 1e154, 1e300); math.Abs(got+1e192) > 1e177 {
		t.Errorf("QuoTangent(1e46, 0, 1e154, 1e300) = %v, want −1e192", got)
	}
	if got := QuoTangent(math.Inf(1), 0, 0, 0); got != 0 {
		t.Errorf("QuoTangent(Inf, 0, 0, 0) = %v, want 0", got)
	}
	if got := InvTangent(0.5, 2, 3); got != -0.75 {
		t.Errorf("InvTangent(0.5, 2, 3) = %v, want −0.75", got)
	}
	if got := ProdTangent(2, 3, 5, 7); got != 29 {
		t.Errorf("ProdTangent(2, 3, 5, 7) = %v, want 29", got)
	}
}

// TestMaxMin checks the side that carries the derivative and Side.Mix.
func TestMaxMin(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, tt := range []struct {
		f          func(a, c float64) (float64, Side)
		a, c, m    float64
		side       Side
		name       string
		mixT, mixU float64
		mix        float64
	}{
		{Max, 2, 1, 2, First, "Max", 3, 5, 3},
		{Max, 1, 2, 2, Second, "Max", 3, 5, 5},
		{Max, 1, 1, 1, Tie, "Max", 3, 5, 4},
		{Max, inf, nan, inf, First, "Max", 3, 5, 3},
		{Max, nan, 1, nan, Unordered, "Max", 3, 5, nan},
		{Min, -inf, nan, -inf, First, "Min", 3, 5, 3},
		{Min, nan, -inf, -inf, Second, "Min", 3, 5, 5},
		{Min, nan, 1, nan, Unordered, "Min", 0, 0, 0},
		{Max, 1, 1, 1, Tie, "Max", math.MaxFloat64, math.MaxFloat64, math.MaxFloat64},
	} {
		m, s := tt.f(tt.a, tt.c)
		if !(m == tt.m || m != m && tt.m != tt.m) || s != tt.side {
			t.Errorf("%s(%v, %v) = %v, %v; want %v, %v", tt.name, tt.a, tt.c, m, s, tt.m, tt.side)
		}
		if got := s.Mix(tt.mixT, tt.mixU); !(got == tt.mix || got != got && tt.mix != tt.mix) {
			t.Errorf("%s(%v, %v): Mix(%v, %v) = %v, want %v", tt.name, tt.a, tt.c, tt.mixT, tt.mixU, got, tt.mix)
		}
	}
}

// TestTanh checks Tanh's value against math.Tanh bit for bit and its
// derivatives against sech²a = 4/(eᵃ+e⁻ᵃ)² in 256-bit arithmetic, on both
// sides of each of its branch points (0.625 and math.Tanh's 44.0148).
func TestTanh(t *testing.T) {
	four := new(big.Float).SetPrec(prec).SetInt64(4)
	for _, a := range []float64{0, 1e-300, 1e-9, 0.3, 0.6249999, 0.625, 0.6250001, 1.7, 7.5, 10, 20,
		44.0148, 44.0149, 300, 354, 360, 372, 700} {
		for _, a := range []float64{a, -a} {
			j, m := Tanh(a)
			if math.Float64bits(j.F) != math.Float64bits(math.Tanh(a)) || m != (Mode{}) {
				t.Errorf("Tanh(%g) = %v, %v, want math.Tanh's %v with the plain form", a, j.F, m, math.Tanh(a))
			}
			ep := bigExp(new(big.Float).SetPrec(prec).SetFloat64(a))
			em := bigExp(new(big.Float).SetPrec(prec).SetFloat64(-a))
			c := new(big.Float).SetPrec(prec).Add(ep, em)
			want := new(big.Float).SetPrec(prec).Quo(four, new(big.Float).SetPrec(prec).Mul(c, c))
			// A few ulps: one exp, one division and three products.
			// Subnormal results (from a ≈ 354) keep fewer bits: there the
			// test allows a few units of the smallest subnormal instead.
			if r := relErr(j.D1, want); r > 8e-16 && absErr(j.D1, want) > 4*0x1p-1074 {
				t.Errorf("Tanh(%g): f′ = %g, relative error %.2g", a, j.D1, r)
			}
			want2 := new(big.Float).SetPrec(prec).Mul(want, big.NewFloat(-2*j.F))
			if r := relErr(j.D2, want2); r > 1e-15 && absErr(j.D2, want2) > 8*0x1p-1074 {
				t.Errorf("Tanh(%g): f″ = %g, relative error %.2g", a, j.D2, r)
			}
		}
	}
	for _, a := range []float64{math.Inf(1), math.Inf(-1)} {
		if j, _ := Tanh(a); j.F != math.Copysign(1, a) || j.D1 != 0 || j.D2 != 0 {
			t.Errorf("Tanh(%g) = %+v, want ±1 with zero derivatives", a, j)
		}
	}
	if j, _ := Tanh(math.NaN()); !math.IsNaN(j.F) || !math.IsNaN(j.D1) || !math.IsNaN(j.D2) {
		t.Errorf("Tanh(NaN) = %+v, want NaN parts", j)
	}
}

func absErr(got float64, want *big.Float) float64 {
	w, _ := want.Float64()
	return math.Abs(got - w)
}

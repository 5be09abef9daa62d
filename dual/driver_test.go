package dual

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// userFuncs are functions written against this package, as a user would, each
// with its float64 twin for finite differences.
var userFuncs = []struct {
	name   string
	f      func(Number) Number
	g      func(float64) float64
	lo, hi float64
}{
	{"x·sin(x²)+eˣ/x", func(x Number) Number {
		return Add(Mul(x, Sin(Mul(x, x))), Div(Exp(x), x))
	}, func(x float64) float64 { return x*math.Sin(x*x) + math.Exp(x)/x }, 0.5, 3},
	{"log(1+tanh²x)·√x", func(x Number) Number {
		th := Tanh(x)
		return Mul(Log1p(Mul(th, th)), Sqrt(x))
	}, func(x float64) float64 { th := math.Tanh(x); return math.Log1p(th*th) * math.Sqrt(x) }, 0.1, 4},
	{"softplus(3x)−σ(x)·erf(x)", func(x Number) Number {
		return Sub(Softplus(Scale(3, x)), Mul(Sigmoid(x), Erf(x)))
	}, func(x float64) float64 {
		return math.Log1p(math.Exp(3*x)) - math.Erf(x)/(1+math.Exp(-x))
	}, -3, 3},
	{"x^x·atan2(x, 2)", func(x Number) Number {
		return Mul(Pow(x, x), Atan2(x, Const(2)))
	}, func(x float64) float64 { return math.Pow(x, x) * math.Atan2(x, 2) }, 0.2, 3},
}

func TestDerivative(t *testing.T) {
	rnd := newRand()
	for _, u := range userFuncs {
		for range 50 {
			x := u.lo + (u.hi-u.lo)*rnd.Float64()
			got := Derivative(u.f, x)
			want := fd.Derivative(u.g, x, central)
			if math.Abs(got-want) > fdTol(want, u.g(x)) {
				t.Errorf("%s: Derivative at %v = %v, central difference %v", u.name, x, got, want)
			}
			// Derivative is one evaluation at x + 1ε, real part included.
			if r := u.f(Var(x)).Real; r != u.g(x) && !closeRel(r, u.g(x), 1e-14) {
				t.Errorf("%s(%v) = %v, want %v", u.name, x, r, u.g(x))
			}
		}
	}
}

// rosenbrock and logSumExp are test functions of several variables, each
// written once over Number and once over float64.
func rosenbrock(x []Number) Number {
	var s Number
	for i := 0; i+1 < len(x); i++ {
		d := Sub(x[i+1], Mul(x[i], x[i]))
		e := Sub(Const(1), x[i])
		s = Add(s, Add(Scale(100, Mul(d, d)), Mul(e, e)))
	}
	return s
}

func rosenbrockF(x []float64) float64 {
	var s float64
	for i := 0; i+1 < len(x); i++ {
		d, e := x[i+1]-x[i]*x[i], 1-x[i]
		s += 100*d*d + e*e
	}
	return s
}

func logSumExp(x []Number) Number {
	var s Number
	for i, v := range x {
		s = Add(s, Exp(Scale(float64(i+1)/4, v)))
	}
	return Log(s)
}

func logSumExpF(x []float64) float64 {
	var s float64
	for i, v := range x {
		s += math.Exp(float64(i+1) / 4 * v)
	}
	return math.Log(s)
}

func TestGradient(t *testing.T) {
	rnd := newRand()
	for _, tc := range []struct {
		name string
		f    func([]Number) Number
		g    func([]float64) float64
		n    int
	}{
		{"Rosenbrock", rosenbrock, rosenbrockF, 5},
		{"LogSumExp", logSumExp, logSumExpF, 4},
		{"Hypot·Atan2", func(x []Number) Number { return Mul(Hypot(x[0], x[1]), Atan2(x[1], x[0])) },
			func(x []float64) float64 { return math.Hypot(x[0], x[1]) * math.Atan2(x[1], x[0]) }, 2},
	} {
		for range 30 {
			x := make([]float64, tc.n)
			for i := range x {
				x[i] = 4*rnd.Float64() - 2
			}
			got := Gradient(nil, tc.f, x)
			want := fd.Gradient(nil, tc.g, x, central)
			for i := range x {
				if math.Abs(got[i]-want[i]) > fdTol(want[i], tc.g(x)) {
					t.Errorf("%s: ∂/∂x%d at %v = %v, central difference %v", tc.name, i, x, got[i], want[i])
				}
			}
		}
	}
	// Rosenbrock's gradient in closed form, exactly representable at these
	// points: ∂/∂x₀ = −400x₀(x₁−x₀²) − 2(1−x₀), ∂/∂x₁ = 200(x₁−x₀²).
	got := Gradient(nil, rosenbrock, []float64{0.5, 2})
	if want := []float64{-400*0.5*1.75 - 1, 200 * 1.75}; got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Rosenbrock gradient = %v, want %v", got, want)
	}
}

func TestGradientSlices(t *testing.T) {
	x := []float64{0.5, 2, -1}
	dst := make([]float64, 3)
	if got := Gradient(dst, rosenbrock, x); &got[0] != &dst[0] {
		t.Error("Gradient did not return dst")
	}
	if x[0] != 0.5 || x[1] != 2 || x[2] != -1 {
		t.Errorf("Gradient modified x: %v", x)
	}
	// f scribbling on its argument must not affect later passes.
	vandal := func(v []Number) Number {
		r := rosenbrock(v)
		for i := range v {
			v[i] = Number{1e9, 1e9}
		}
		return r
	}
	want := Gradient(nil, rosenbrock, x)
	if got := Gradient(nil, vandal, x); got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("Gradient with a modifying f = %v, want %v", got, want)
	}
	if got := Gradient(nil, rosenbrock, nil); len(got) != 0 {
		t.Errorf("Gradient of no variables = %v", got)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Gradient with short dst did not panic")
			}
		}()
		Gradient(make([]float64, 2), rosenbrock, x)
	}()
}

// TestDriverAllocs checks that Derivative allocates nothing and Gradient at
// most its one reused argument slice (none where the compiler can keep it on
// the stack).
func TestDriverAllocs(t *testing.T) {
	x := []float64{0.5, 2, -1, 3}
	dst := make([]float64, len(x))
	if a := testing.AllocsPerRun(50, func() { Gradient(dst, rosenbrock, x) }); a > 1 {
		t.Errorf("Gradient: %v allocs per run, want at most 1", a)
	}
	if a := testing.AllocsPerRun(50, func() { Derivative(Tanh, 0.5) }); a != 0 {
		t.Errorf("Derivative: %v allocs per run, want 0", a)
	}
}

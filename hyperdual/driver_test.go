package hyperdual

import (
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// rosenbrock is the n-dimensional Rosenbrock function
// Σ 100(x_{i+1} − x_i²)² + (1 − x_i)².
func rosenbrock(x []Number) Number {
	var s Number
	for i := 0; i+1 < len(x); i++ {
		t := Sub(x[i+1], Mul(x[i], x[i]))
		u := Sub(Const(1), x[i])
		s = Add(s, Add(Scale(100, Mul(t, t)), Mul(u, u)))
	}
	return s
}

// rosenbrockHessian is the closed-form Hessian of rosenbrock.
func rosenbrockHessian(x []float64) *mat.SymDense {
	n := len(x)
	h := mat.NewSymDense(n, nil)
	for i := 0; i+1 < n; i++ {
		h.SetSym(i, i, h.At(i, i)+1200*x[i]*x[i]-400*x[i+1]+2)
		h.SetSym(i+1, i+1, h.At(i+1, i+1)+200)
		h.SetSym(i, i+1, -400*x[i])
	}
	return h
}

// mixedFunc couples every coordinate through transcendental functions, so
// every Hessian entry is nonzero.
func mixedFunc(x []Number) Number {
	s := Const(0)
	for i := range x {
		for j := i; j < len(x); j++ {
			s = Add(s, Sin(Mul(x[i], Exp(Scale(0.3, x[j])))))
		}
	}
	return Div(s, Hypot(x[0], Const(1)))
}

func floatFunc(f func([]Number) Number) func([]float64) float64 {
	return func(x []float64) float64 {
		xs := make([]Number, len(x))
		for i, v := range x {
			xs[i] = Const(v)
		}
		return f(xs).Real
	}
}

func TestDerivative2(t *testing.T) {
	tests := []struct {
		name string
		f    func(Number) Number
		x    float64
	}{
		{"fike", fike, 1.5},
		{"sin(x²)·log(x)", func(x Number) Number { return Mul(Sin(Mul(x, x)), Log(x)) }, 1.3},
		{"x^x", func(x Number) Number { return Pow(x, x) }, 0.7},
	}
	for _, tt := range tests {
		v, d1, d2 := Derivative2(tt.f, tt.x)
		g := func(x float64) float64 { return tt.f(Const(x)).Real }
		if want := g(tt.x); v != want {
			t.Errorf("%s: value %v, want %v", tt.name, v, want)
		}
		w1 := fd.Derivative(g, tt.x, &fd.Settings{Formula: fd.Central})
		w2 := fd.Derivative(g, tt.x, &fd.Settings{Formula: fd.Central2nd})
		if math.Abs(d1-w1) > fdTol1*math.Max(1, math.Abs(d1)) {
			t.Errorf("%s: f′ = %v, central difference %v", tt.name, d1, w1)
		}
		if math.Abs(d2-w2) > fdTol2*math.Max(1, math.Abs(d2)) {
			t.Errorf("%s: f″ = %v, central second difference %v", tt.name, d2, w2)
		}
	}
	// x^x: (x^x)′ = x^x(1 + log x), (x^x)″ = x^x((1 + log x)² + 1/x).
	v, d1, d2 := Derivative2(func(x Number) Number { return Pow(x, x) }, 0.7)
	l := 1 + math.Log(0.7)
	if math.Abs(d1-v*l) > 1e-14*v || math.Abs(d2-v*(l*l+1/0.7)) > 1e-14*d2 {
		t.Errorf("x^x at 0.7: f′, f″ = %v, %v; want %v, %v", d1, d2, v*l, v*(l*l+1/0.7))
	}
}

func TestGradient(t *testing.T) {
	for _, x := range [][]float64{{0.3}, {-1.2, 1}, {0.5, -0.4, 1.1}, {0.1, 0.2, 0.3, 0.4, -0.5}} {
		for _, f := range []func([]Number) Number{rosenbrock, mixedFunc} {
			got := Gradient(nil, f, x)
			want := fd.Gradient(nil, floatFunc(f), x, &fd.Settings{Formula: fd.Central})
			for i := range x {
				if math.Abs(got[i]-want[i]) > fdTol1*math.Max(1, math.Abs(got[i])) {
					t.Errorf("gradient at %v: ∂_%d = %v, central difference %v", x, i, got[i], want[i])
				}
			}
			// One pass per pair of coordinates.
			calls := 0
			counted := func(x []Number) Number { calls++; return f(x) }
			dst := make([]float64, len(x))
			if res := Gradient(dst, counted, x); &res[0] != &dst[0] {
				t.Errorf("Gradient did not return dst")
			}
			if want := (len(x) + 1) / 2; calls != want {
				t.Errorf("Gradient evaluated f %d times for n = %d, want %d", calls, len(x), want)
			}
		}
	}
}

func TestHessian(t *testing.T) {
	for _, x := range [][]float64{{0.3}, {-1.2, 1}, {0.5, -0.4, 1.1}, {0.1, 0.2, 0.3, 0.4, -0.5}} {
		n := len(x)
		// Exact against the closed form.
		got := Hessian(nil, rosenbrock, x)
		if want := rosenbrockHessian(x); !mat.EqualApprox(got, want, 1e-13) {
			t.Errorf("Rosenbrock Hessian at %v =\n%v\nwant\n%v", x, mat.Formatted(got), mat.Formatted(want))
		}
		// Against gonum's finite differences.
		got = Hessian(nil, mixedFunc, x)
		want := fdHessian(floatFunc(mixedFunc), x)
		if !mat.EqualApprox(got, want, fdTol2) {
			t.Errorf("Hessian at %v =\n%v\ncentral differences\n%v", x, mat.Formatted(got), mat.Formatted(want))
		}
		// One pass per pair i ≤ j, and dst is reused.
		calls := 0
		counted := func(x []Number) Number { calls++; return mixedFunc(x) }
		dst := mat.NewSymDense(n, nil)
		if res := Hessian(dst, counted, x); res != dst {
			t.Errorf("Hessian did not return dst")
		}
		if want := n * (n + 1) / 2; calls != want {
			t.Errorf("Hessian evaluated f %d times for n = %d, want %d", calls, n, want)
		}
		if !mat.Equal(dst, got) {
			t.Errorf("Hessian into dst differs from Hessian into nil")
		}
		// An empty dst is resized.
		var empty mat.SymDense
		Hessian(&empty, mixedFunc, x)
		if !mat.Equal(&empty, got) {
			t.Errorf("Hessian into an empty dst differs")
		}
	}
}

// TestHessianRestoresArgument checks that a function which overwrites its
// argument does not corrupt later passes.
func TestHessianRestoresArgument(t *testing.T) {
	x := []float64{0.5, -0.4, 1.1}
	vandal := func(v []Number) Number {
		r := mixedFunc(v)
		for i := range v {
			v[i] = Number{99, 99, 99, 99}
		}
		return r
	}
	if got, want := Hessian(nil, vandal, x), Hessian(nil, mixedFunc, x); !mat.Equal(got, want) {
		t.Errorf("Hessian of an argument-overwriting function =\n%v\nwant\n%v", mat.Formatted(got), mat.Formatted(want))
	}
	if got, want := Gradient(nil, vandal, x), Gradient(nil, mixedFunc, x); !slices.Equal(got, want) {
		t.Errorf("Gradient of an argument-overwriting function = %v, want %v", got, want)
	}
}

func TestDriverPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"Hessian dst size", func() { Hessian(mat.NewSymDense(2, nil), rosenbrock, []float64{1, 2, 3}) }, "dst is 2×2, want len(x) = 3"},
		{"Hessian empty x", func() { Hessian(nil, rosenbrock, nil) }, "len(x) = 0"},
		{"Gradient dst size", func() { Gradient(make([]float64, 2), rosenbrock, []float64{1, 2, 3}) }, "len(dst) = 2, want len(x) = 3"},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.Contains(s, tt.want) {
					t.Errorf("%s: panic %v, want one containing %q", tt.name, r, tt.want)
				}
			}()
			tt.f()
		}()
	}
	if g := Gradient(nil, rosenbrock, nil); len(g) != 0 {
		t.Errorf("Gradient of no coordinates = %v, want empty", g)
	}
}

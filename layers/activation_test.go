package layers

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats/scalar"
)

// closedForm gives σ, σ′ and σ″ of each activation from textbook formulas,
// written independently of the hyper-dual definitions. The kinks follow
// PyTorch: relu′(0) = 0 (threshold_backward passes the gradient only where
// x > 0) and elu uses its exponential branch at x ≤ 0 (elu_backward), so
// elu′(0) = 1, while PyTorch 1.13's double backward gives elu″(0) = 0
// (checked with torch.autograd.grad twice at ±0).
var closedForm = [numActivations]func(x float64) (f, d1, d2 float64){
	Identity: func(x float64) (float64, float64, float64) { return x, 1, 0 },
	Tanh: func(x float64) (float64, float64, float64) {
		t := math.Tanh(x)
		return t, 1 - t*t, -2 * t * (1 - t*t)
	},
	Sigmoid: func(x float64) (float64, float64, float64) {
		s := logistic(x)
		return s, s * (1 - s), s * (1 - s) * (1 - 2*s)
	},
	Softplus: func(x float64) (float64, float64, float64) {
		s := logistic(x)
		return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))), s, s * logistic(-x)
	},
	ReLU: func(x float64) (float64, float64, float64) {
		if x > 0 {
			return x, 1, 0
		}
		return 0, 0, 0
	},
	ELU: func(x float64) (float64, float64, float64) {
		if x > 0 {
			return x, 1, 0
		}
		if x == 0 {
			return x, 1, 0
		}
		return math.Expm1(x), math.Exp(x), math.Exp(x)
	},
	SiLU: func(x float64) (float64, float64, float64) {
		s := logistic(x)
		return x * s, s * (1 + x*(1-s)), s * (1 - s) * (2 + x*(1-2*s))
	},
	GELU: func(x float64) (float64, float64, float64) {
		cdf := 0.5 * math.Erfc(-x/math.Sqrt2)
		pdf := math.Exp(-x*x/2) / math.Sqrt(2*math.Pi)
		return x * cdf, cdf + x*pdf, pdf * (2 - x*x)
	},
	Sin: func(x float64) (float64, float64, float64) { return math.Sin(x), math.Cos(x), -math.Sin(x) },
}

func logistic(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func allActivations() []Activation {
	var as []Activation
	for a := Activation(0); a < numActivations; a++ {
		as = append(as, a)
	}
	return as
}

// near reports whether got is within tol of want, relative to max(1, |want|).
func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return scalar.EqualWithinAbsOrRel(got, want, tol, tol)
}

func TestActivationClosedForm(t *testing.T) {
	points := []float64{-800, -30, -3.5, -1.3, -0.2, 0, 0.4, 1.7, 2.9, 25, 800}
	for _, a := range allActivations() {
		for _, x := range points {
			f, d1, d2 := evalAct(a, x)
			wf, wd1, wd2 := closedForm[a](x)
			if !near(f, wf, 1e-14) || !near(d1, wd1, 1e-14) || !near(d2, wd2, 1e-14) {
				t.Errorf("%v.Eval(%v) = %v, %v, %v; closed form %v, %v, %v", a, x, f, d1, d2, wf, wd1, wd2)
			}
		}
	}
}

// TestActivationFiniteDifference checks σ′ and σ″ against central
// differences of σ and σ′, away from the kinks of relu and elu.
func TestActivationFiniteDifference(t *testing.T) {
	settings := &fd.Settings{Formula: fd.Central, Step: 1e-5}
	for _, a := range allActivations() {
		for _, x := range []float64{-2.7, -0.9, -0.3, 0.2, 1.1, 3.3} {
			_, d1, d2 := evalAct(a, x)
			fd1 := fd.Derivative(func(x float64) float64 { f, _, _ := evalAct(a, x); return f }, x, settings)
			fd2 := fd.Derivative(func(x float64) float64 { _, d, _ := evalAct(a, x); return d }, x, settings)
			if !near(d1, fd1, 1e-9) || !near(d2, fd2, 1e-9) {
				t.Errorf("%v at %v: σ′ = %v, σ″ = %v; finite differences %v, %v", a, x, d1, d2, fd1, fd2)
			}
		}
	}
}

// TestActivationHyperSeeds checks Hyper on x + bε₁ + cε₂ + dε₁ε₂ with
// asymmetric, non-unit seeds against the chain rule
// σ + σ′(bε₁ + cε₂ + dε₁ε₂) + σ″·b·c·ε₁ε₂ built from Eval's three outputs.
func TestActivationHyperSeeds(t *testing.T) {
	seeds := []struct{ b, c, d float64 }{{0.7, -1.3, 0.45}, {-2.5, 0.3, -1.1}, {1.9, 4.2, 0}}
	for _, a := range allActivations() {
		for _, x := range []float64{-2.2, -0.6, 0, 0.35, 1.8} {
			for _, s := range seeds {
				f, d1, d2 := evalAct(a, x)
				want := hyperdual.Number{Real: f, E1: d1 * s.b, E2: d1 * s.c, E12: d1*s.d + d2*s.b*s.c}
				got := hyperAct(a, hyperdual.Number{Real: x, E1: s.b, E2: s.c, E12: s.d})
				if got.Real != want.Real || !near(got.E1, want.E1, 1e-15) || !near(got.E2, want.E2, 1e-15) || !near(got.E12, want.E12, 1e-14) {
					t.Errorf("%v.Hyper(%v, %v, %v, %v) = %+v, want %+v", a, x, s.b, s.c, s.d, got, want)
				}
			}
		}
	}
}

// TestActivationSpecialCases pins the kinks, signed zeros and NaN.
func TestActivationSpecialCases(t *testing.T) {
	negZero := math.Copysign(0, -1)
	nan := math.NaN()
	seed := func(x float64) hyperdual.Number { return hyperdual.Number{Real: x, E1: 0.7, E2: -1.3, E12: 0.45} }
	tests := []struct {
		a    Activation
		x    hyperdual.Number
		want hyperdual.Number
	}{
		// PyTorch: relu′(0) = 0, and relu returns +0 for x ≤ 0.
		{ReLU, seed(0), hyperdual.Number{}},
		{ReLU, seed(negZero), hyperdual.Number{}},
		{ReLU, seed(-2), hyperdual.Number{}},
		{ReLU, seed(2), seed(2)},
		{ReLU, seed(nan), seed(nan)},
		// PyTorch: elu′(0) = 1 (the exponential branch) and elu″(0) = 0 (its
		// double backward), so the ε₁ε₂ part is the incoming one alone.
		{ELU, seed(0), hyperdual.Number{Real: 0, E1: 0.7, E2: -1.3, E12: 0.45}},
		{ELU, seed(negZero), hyperdual.Number{Real: negZero, E1: 0.7, E2: -1.3, E12: 0.45}},
		{Identity, seed(negZero), seed(negZero)},
		// At 0: tanh′ = 1, tanh″ = 0; sin likewise; sigmoid = ½, ¼, 0.
		{Tanh, seed(0), seed(0)},
		{Tanh, seed(negZero), seed(negZero)},
		{Sin, seed(negZero), seed(negZero)},
		{Sigmoid, seed(0), hyperdual.Number{Real: 0.5, E1: 0.7 / 4, E2: -1.3 / 4, E12: 0.45 / 4}},
		// silu′(0) = ½ and silu″(0) = ½: E12 = ½·0.45 + ½·0.7·(−1.3).
		{SiLU, seed(0), hyperdual.Number{Real: 0, E1: 0.35, E2: -0.65, E12: 0.225 - 0.455}},
	}
	same := func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
	}
	for _, tc := range tests {
		// The value bit for bit, sign of zero included; the derivative
		// parts to rounding, since the hand-written constants are folded
		// exactly while the activations round each product.
		got := hyperAct(tc.a, tc.x)
		if !same(got.Real, tc.want.Real) || !near(got.E1, tc.want.E1, 1e-15) || !near(got.E2, tc.want.E2, 1e-15) || !near(got.E12, tc.want.E12, 1e-15) {
			t.Errorf("%v.Hyper(%+v) = %+v, want %+v", tc.a, tc.x, got, tc.want)
		}
	}
	for _, a := range allActivations() {
		if f, _, _ := evalAct(a, nan); !math.IsNaN(f) {
			t.Errorf("%v.Eval(NaN) = %v, want NaN", a, f)
		}
	}
}

// TestActivationGELUMatchesTorch checks that our erfc evaluation of GELU
// equals PyTorch's x·½(1 + erf(x/√2)) where the latter does not cancel, and
// that in the far negative tail it keeps the relative accuracy torch's form
// loses: gelu(−10) = −10·Φ(−10) = −7.619853024160526e−23 (mpmath at 40
// digits: -10*ncdf(-10)).
func TestActivationGELUMatchesTorch(t *testing.T) {
	for _, x := range []float64{-3, -1.5, -0.1, 0.25, 1, 4} {
		torch := x * 0.5 * (1 + math.Erf(x/math.Sqrt2))
		if f, _, _ := evalAct(GELU, x); !near(f, torch, 1e-15) {
			t.Errorf("gelu(%v) = %v, torch's formula %v", x, f, torch)
		}
	}
	if f, _, _ := evalAct(GELU, -10); !scalar.EqualWithinRel(f, -7.619853024160526e-23, 1e-13) {
		t.Errorf("gelu(-10) = %v, want -7.619853024160526e-23", f)
	}
}

// TestSoftplusTorchThreshold bounds the documented difference from
// torch.nn.functional.softplus, which returns x (derivative 1) for x > 20.
func TestSoftplusTorchThreshold(t *testing.T) {
	for _, x := range []float64{20, 20.5, 25, 40, 800} {
		f, d1, _ := evalAct(Softplus, x)
		if math.Abs(f-x) >= 2.1e-9 || math.Abs(d1-1) >= 2.1e-9 {
			t.Errorf("softplus(%v) − %v = %v, softplus′ − 1 = %v; want both below 2.1e-9", x, x, f-x, d1-1)
		}
	}
	// Just above the threshold the difference is real, not rounding.
	if f, _, _ := evalAct(Softplus, 20); f == 20 {
		t.Errorf("softplus(20) = 20, want the exact log(1+e²⁰)")
	}
}

func TestActivationNames(t *testing.T) {
	names := []string{"identity", "tanh", "sigmoid", "softplus", "relu", "elu", "silu", "gelu", "sin"}
	if len(names) != int(numActivations) {
		t.Fatalf("%d names for %d activations", len(names), numActivations)
	}
	for i, name := range names {
		a := Activation(i)
		if a.String() != name {
			t.Errorf("Activation(%d).String() = %q, want %q", i, a.String(), name)
		}
		if got, ok := ParseActivation(name); !ok || got != a {
			t.Errorf("ParseActivation(%q) = %v, %v", name, got, ok)
		}
		text, err := a.MarshalText()
		if err != nil || string(text) != name {
			t.Errorf("%v.MarshalText() = %q, %v", a, text, err)
		}
		var b Activation = -1
		if err := b.UnmarshalText([]byte(name)); err != nil || b != a {
			t.Errorf("UnmarshalText(%q) = %v, %v", name, b, err)
		}
	}
	for _, bad := range []string{"", "Tanh", "RELU", "leaky_relu", " tanh"} {
		if _, ok := ParseActivation(bad); ok {
			t.Errorf("ParseActivation(%q) succeeded", bad)
		}
		a := Sin
		err := a.UnmarshalText([]byte(bad))
		want := fmt.Sprintf("layers: unknown activation %q (want identity, tanh, sigmoid, softplus, relu, elu, silu, gelu or sin)", bad)
		if err == nil || err.Error() != want || a != Sin {
			t.Errorf("UnmarshalText(%q) = %v, activation %v; want error %q and no change", bad, err, a, want)
		}
	}
	if s := Activation(42).String(); s != "Activation(42)" {
		t.Errorf("Activation(42).String() = %q", s)
	}
	if _, err := Activation(-1).MarshalText(); err == nil {
		t.Error("Activation(-1).MarshalText() succeeded")
	}
	// The text methods make Activation usable in users' own JSON.
	var v struct{ Act Activation }
	if err := json.Unmarshal([]byte(`{"Act": "gelu"}`), &v); err != nil || v.Act != GELU {
		t.Errorf("json.Unmarshal = %v, %v", v.Act, err)
	}
	if b, err := json.Marshal(v); err != nil || string(b) != `{"Act":"gelu"}` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
}

// hyperAct applies activation a's op to one hyper-dual number.
func hyperAct(a Activation, x hyperdual.Number) hyperdual.Number {
	op := a.op()
	if _, err := op.Init([]graph.Shape{{1}}); err != nil {
		panic(err)
	}
	out := make([]hyperdual.Number, 1)
	st := graph.NewState(nil)
	st.Samples = 1
	op.Hyper(st, out, [][]hyperdual.Number{{x}})
	return out[0]
}

// evalAct returns σ, σ′ and σ″ from one hyper-dual evaluation of a's op.
func evalAct(a Activation, x float64) (s, d1, d2 float64) {
	y := hyperAct(a, hyperdual.Number{Real: x, E1: 1, E2: 1})
	return y.Real, y.E1, y.E12
}

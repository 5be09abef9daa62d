package hyperdual

import (
	"testing"

	"gonum.org/v1/gonum/mat"
)

var (
	benchX    = Number{0.7, 0.3, -1.1, 0.2}
	benchY    = Number{1.9, -0.4, 0.8, 0.1}
	benchSink Number
)

// hotFuncs are the functions layers evaluates per element and direction.
var hotFuncs = []struct {
	name string
	f    func(x, y Number) Number
}{
	{"Mul", Mul},
	{"Div", Div},
	{"Exp", func(x, _ Number) Number { return Exp(x) }},
	{"Tanh", func(x, _ Number) Number { return Tanh(x) }},
	{"Sigmoid", func(x, _ Number) Number { return Sigmoid(x) }},
	{"Softplus", func(x, _ Number) Number { return Softplus(x) }},
	{"Erf", func(x, _ Number) Number { return Erf(x) }},
	{"Sin", func(x, _ Number) Number { return Sin(x) }},
	{"Log", func(x, _ Number) Number { return Log(x) }},
	{"Sqrt", func(x, _ Number) Number { return Sqrt(x) }},
	{"PowReal", func(x, _ Number) Number { return PowReal(x, 2.5) }},
	{"Pow", Pow},
}

func BenchmarkMul(b *testing.B) { benchBinary(b, Mul) }

func BenchmarkDiv(b *testing.B) { benchBinary(b, Div) }

func BenchmarkPow(b *testing.B) { benchBinary(b, Pow) }

// benchBinary accumulates f(x, y) so the calls cannot be hoisted or removed
// while the arguments stay fixed and finite.
func benchBinary(b *testing.B, f func(x, y Number) Number) {
	b.ReportAllocs()
	x, y := benchX, benchY
	var s Number
	for b.Loop() {
		s = Add(s, f(x, y))
	}
	benchSink = s
}

func BenchmarkExp(b *testing.B) { benchUnary(b, Exp) }

func BenchmarkTanh(b *testing.B) { benchUnary(b, Tanh) }

func BenchmarkSigmoid(b *testing.B) { benchUnary(b, Sigmoid) }

func BenchmarkSoftplus(b *testing.B) { benchUnary(b, Softplus) }

func BenchmarkErf(b *testing.B) { benchUnary(b, Erf) }

func BenchmarkSin(b *testing.B) { benchUnary(b, Sin) }

func BenchmarkLog(b *testing.B) { benchUnary(b, Log) }

func BenchmarkSqrt(b *testing.B) { benchUnary(b, Sqrt) }

func BenchmarkPowReal(b *testing.B) {
	benchUnary(b, func(x Number) Number { return PowReal(x, 2.5) })
}

// benchUnary accumulates f(x) so the calls cannot be hoisted or removed.
func benchUnary(b *testing.B, f func(Number) Number) {
	b.ReportAllocs()
	x := benchX
	var s Number
	for b.Loop() {
		s = Add(s, f(x))
	}
	benchSink = s
}

func BenchmarkHessian(b *testing.B) {
	b.ReportAllocs()
	x := []float64{0.1, 0.2, 0.3, 0.4, -0.5}
	dst := mat.NewSymDense(len(x), nil)
	for b.Loop() {
		Hessian(dst, rosenbrock, x)
	}
}

// TestHotPathsDoNotAllocate proves the 0 allocs/op the benchmarks report,
// in the ordinary test run.
func TestHotPathsDoNotAllocate(t *testing.T) {
	for _, h := range hotFuncs {
		if n := testing.AllocsPerRun(100, func() { benchSink = h.f(benchX, benchY) }); n != 0 {
			t.Errorf("%s: %v allocs per call, want 0", h.name, n)
		}
	}
}

package dual

import (
	"math"
	"testing"
)

// benchIn are typical arguments: moderate reals and non-unit tangents, so no
// benchmark runs into subnormal or special-case paths.
var benchIn = [8]Number{
	{0.5, 0.25}, {1.25, -2}, {-0.75, 1.5}, {2.5, 0.125},
	{-1.5, -0.5}, {0.1, 3}, {3.25, 1}, {-2.25, 0.75},
}

// sink keeps results observable.
var sink Number

func benchUnary(b *testing.B, f func(Number) Number) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sink = f(benchIn[i&7])
	}
}

func benchBinary(b *testing.B, f func(x, y Number) Number) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sink = f(benchIn[i&7], benchIn[(i+3)&7])
	}
}

func BenchmarkMul(b *testing.B) { benchBinary(b, Mul) }

func BenchmarkDiv(b *testing.B) { benchBinary(b, Div) }

func BenchmarkExp(b *testing.B) { benchUnary(b, Exp) }

func BenchmarkTanh(b *testing.B) { benchUnary(b, Tanh) }

func BenchmarkSigmoid(b *testing.B) { benchUnary(b, Sigmoid) }

func BenchmarkSoftplus(b *testing.B) {
	benchUnary(b, Softplus)
}

func BenchmarkSqrt(b *testing.B) {
	benchUnary(b, func(x Number) Number { return Sqrt(Abs(x)) })
}

func BenchmarkPow(b *testing.B) {
	benchBinary(b, func(x, y Number) Number { return Pow(Abs(x), y) })
}

func BenchmarkPowReal(b *testing.B) {
	benchUnary(b, func(x Number) Number { return PowReal(Abs(x), 0.75) })
}

func BenchmarkGradientRosenbrock8(b *testing.B) {
	b.ReportAllocs()
	x := []float64{0.5, 2, -1, 3, 0.25, -0.75, 1.5, 1}
	dst := make([]float64, len(x))
	for b.Loop() {
		Gradient(dst, rosenbrock, x)
	}
}

// TestHotPathsDoNotAllocate checks that the number functions never allocate.
func TestHotPathsDoNotAllocate(t *testing.T) {
	x, y := Number{1.25, 0.5}, Number{0.75, -2}
	var sink Number
	allocs := testing.AllocsPerRun(100, func() {
		sink = Add(Mul(x, y), Div(x, y))
		sink = Add(sink, Add(Exp(x), Tanh(y)))
		sink = Add(sink, Add(Sigmoid(x), Sqrt(x)))
		sink = Add(sink, Pow(x, y))
	})
	if allocs != 0 {
		t.Errorf("%v allocs per run, want 0", allocs)
	}
	if math.IsNaN(sink.Eps) {
		t.Errorf("sink = %v", sink)
	}
}

package cossim

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestPieces(t *testing.T) {
	p, _ := postExample()
	x, g, J := Pieces(p, []float64{1, 0.5})
	// x = Wz, g = Φ's weight, J = W: docs/math.md.
	want := map[string][2][]float64{
		"x": {x, {1, 2.5, 1, 1}},
		"g": {g, {1, 2, 3, 4}},
		"J": {J.RawMatrix().Data, {1, 0, 0, 5, 1, 0, 1, 0}},
	}
	for name, v := range want {
		for k := range v[1] {
			if v[0][k] != v[1][k] {
				t.Errorf("%s = %v, want %v", name, v[0], v[1])
				break
			}
		}
	}
}

func TestFiniteDifferencePostExample(t *testing.T) {
	p, _ := postExample()
	before := append(p.D.Params(nil), p.Phi.Params(nil)...)
	res := NewResult(p, WrtBoth)
	FiniteDifference(res, p, Options{Wrt: WrtBoth}, []float64{1, 0.5})
	after := append(p.D.Params(nil), p.Phi.Params(nil)...)
	for k := range before {
		if before[k] != after[k] {
			t.Fatalf("parameter %d not restored: %v → %v", k, before[k], after[k])
		}
	}
	// Hand-derived in docs/math.md; central differences of this rational
	// function are accurate to ~1e-10.
	wantD := []float64{-8.0 / 27, 0, 16.0 / 45, 0, 8.0 / 135, 0, 32.0 / 135, 0, 0, 0, 0, 0}
	for k, w := range wantD {
		if got := res.GradD.At(0, k); math.Abs(got-w) > 1e-8 {
			t.Errorf("∂s₁/∂θ[%d] ≈ %v, want %v", k, got, w)
		}
	}
	// ∂s₂/∂w₂ = 2c₂u₂₂/(G·U₂) − c₂²·2w₂/(G²·U₂) = 100/750 − 400/22500.
	if got, w := res.GradPhi.At(1, 1), 100.0/750-400.0/22500; math.Abs(got-w) > 1e-8 {
		t.Errorf("∂s₂/∂φ[1] ≈ %v, want %v", got, w)
	}
}

func TestMaxRelDiff(t *testing.T) {
	tests := []struct {
		a, b []float64
		want float64
	}{
		{[]float64{1, 2}, []float64{1, 2}, 0},
		{[]float64{1, 2.5}, []float64{1, 2}, 0.25},
		{[]float64{1e-12, 4}, []float64{0, 4}, 0.25e-12}, // a round-off zero is measured against the scale
		{[]float64{3, 0}, []float64{0, 0}, 3},            // zero b: absolute difference
		{[]float64{math.NaN(), 1}, []float64{1, 1}, math.NaN()},
	}
	for _, tt := range tests {
		got := MaxRelDiff(mat.NewDense(1, 2, tt.a), mat.NewDense(1, 2, tt.b))
		if got != tt.want && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("MaxRelDiff(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

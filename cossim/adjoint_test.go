package cossim

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/internal/blasimpl"
	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/blas/blas64"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"
)

// The Adjoint engine's Eval is checked with the other engines in
// engine_test.go; these tests cover SumGrad, threads and the blas64 route.

// TestAdjointSumGrad checks SumGrad against wᵀ·(the full Jacobian), which
// TestEnginesFiniteDifference checks against central differences.
func TestAdjointSumGrad(t *testing.T) {
	const tol = 1e-12 // two exact routes to the same sums: round-off only
	worst := 0.0
	for ci, c := range engineCases() {
		p, z := randProblem(t, c, uint64(100+ci))
		opt := Options{Wrt: WrtBoth, Eps: c.eps}
		a, err := NewAdjoint(p, opt)
		if err != nil {
			t.Fatal(err)
		}
		res := NewResult(p, WrtBoth)
		if err := a.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(uint64(ci), 3))
		for _, w := range [][]float64{nil, randVec(rng, p.M())} {
			ones := w
			if ones == nil {
				ones = make([]float64, p.M())
				for i := range ones {
					ones[i] = 1
				}
			}
			wv := mat.NewVecDense(len(ones), ones)
			wantSum := mat.Dot(wv, mat.NewVecDense(len(res.S), res.S))
			wantD := mat.NewVecDense(p.D.NumParams(), nil)
			wantD.MulVec(res.GradD.T(), wv)
			wantPhi := mat.NewVecDense(p.Phi.NumParams(), nil)
			wantPhi.MulVec(res.GradPhi.T(), wv)

			gd, gp := make([]float64, p.D.NumParams()), make([]float64, p.Phi.NumParams())
			sum, err := a.SumGrad(gd, gp, z, w)
			if err != nil {
				t.Fatal(err)
			}
			if e := math.Abs(sum-wantSum) / math.Abs(wantSum); !(e <= tol) {
				t.Errorf("%s, w=%v: sum %v, want %v", c.name, w, sum, wantSum)
			}
			for _, q := range []struct {
				what      string
				got, want []float64
			}{{"θ", gd, wantD.RawVector().Data}, {"φ", gp, wantPhi.RawVector().Data}} {
				e := normRel(q.got, q.want)
				worst = math.Max(worst, e)
				if !(e <= tol) {
					t.Errorf("%s, w=%v: gradient wrt %s differs from wᵀJ by %.3g", c.name, w, q.what, e)
				}
			}
			// Skipping one gradient must not change the other.
			gd2, gp2 := make([]float64, len(gd)), make([]float64, len(gp))
			if _, err := a.SumGrad(gd2, nil, z, w); err != nil {
				t.Fatal(err)
			}
			if _, err := a.SumGrad(nil, gp2, z, w); err != nil {
				t.Fatal(err)
			}
			if !sameBits(gd2, gd) || !sameBits(gp2, gp) {
				t.Errorf("%s: a gradient alone differs from both together", c.name)
			}
		}
	}
	t.Logf("largest normwise relative difference of SumGrad from wᵀJ: %.2g", worst)
}

// TestAdjointSumGradErrors checks SumGrad's argument errors and its typed
// error for an undefined cosine, and that Eps regularizes it.
func TestAdjointSumGradErrors(t *testing.T) {
	p, z := postExample()
	a, err := NewAdjoint(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name          string
		gradD, gradPh []float64
		z, w          []float64
		want          string
	}{
		{"short w", nil, nil, z, []float64{1}, "cossim: weights have length 1, want 2"},
		{"NaN w", nil, nil, z, []float64{1, math.NaN()}, "cossim: weights[1] = NaN is not finite"},
		{"short gradD", make([]float64, 3), nil, z, nil, "cossim: gradD has length 3, want P_D = 12"},
		{"short gradPhi", nil, make([]float64, 3), z, nil, "cossim: gradPhi has length 3, want P_Φ = 5"},
		{"short z", nil, nil, z[:1], nil, "cossim: z has length 1, want 2"},
		{"Inf z", nil, nil, []float64{1, math.Inf(1)}, nil, "cossim: z[1] = +Inf is not finite"},
	} {
		if _, err := a.SumGrad(c.gradD, c.gradPh, c.z, c.w); err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v, want %s", c.name, err, c.want)
		}
	}

	p.Phi.Layers[0].W.Zero() // g = 0
	for _, eps := range []float64{0, 1e-3} {
		a, err := NewAdjoint(p, Options{Eps: eps})
		if err != nil {
			t.Fatal(err)
		}
		gd := make([]float64, p.D.NumParams())
		sum, err := a.SumGrad(gd, nil, z, nil)
		var ue *UndefinedError
		switch {
		case eps == 0 && (!errors.As(err, &ue) || *ue != UndefinedError{Direction: -1, Cause: "zero gradient of Φ"}):
			t.Errorf("zero g: error %v, want an *UndefinedError for direction -1", err)
		case eps > 0 && err != nil:
			t.Errorf("zero g, Eps %v: %v", eps, err)
		case eps > 0 && (sum != 0 || normRel(gd, make([]float64, len(gd))) != 0):
			// s ≡ 0 near Φ = 0: c = 0 and ∂c/∂θ = 0.
			t.Errorf("zero g, Eps %v: sum %v, gradient %v, want 0", eps, sum, gd)
		}
	}
}

// adjMedium is a problem on which Adjoint splits its steps across
// goroutines: it lowers adjParMin below the problem's work (64·96·6 ≈ 2¹⁵
// multiply-adds for D's last layer) until the test ends.
func adjMedium(t *testing.T) (Problem, []float64) {
	old := adjParMin
	adjParMin = 1 << 12
	t.Cleanup(func() { adjParMin = old })
	return randProblem(t, engineCase{
		name: "medium",
		dW:   []int{6, 64, 96}, dAct: []layers.Activation{layers.Tanh, layers.SiLU},
		phiW: []int{96, 64, 1}, fAct: []layers.Activation{layers.Softplus, layers.Sin},
	}, 77)
}

// TestAdjointThreads checks that splitting steps across goroutines leaves
// every bit of the results unchanged, and allocates nothing.
func TestAdjointThreads(t *testing.T) {
	p, z := adjMedium(t)
	w := randVec(rand.New(rand.NewPCG(2, 9)), p.M())
	var want *Result
	var wantD, wantPhi []float64
	for _, threads := range []int{1, 2, 3, 7} {
		a, err := NewAdjoint(p, Options{Wrt: WrtBoth})
		if err != nil {
			t.Fatal(err)
		}
		a.SetThreads(threads)
		res := NewResult(p, WrtBoth)
		gd, gp := make([]float64, p.D.NumParams()), make([]float64, p.Phi.NumParams())
		for _, f := range []struct {
			name string
			f    func()
		}{
			{"Eval", func() {
				if err := a.Eval(res, z); err != nil {
					t.Fatal(err)
				}
			}},
			{"SumGrad", func() {
				if _, err := a.SumGrad(gd, gp, z, w); err != nil {
					t.Fatal(err)
				}
			}},
		} {
			f.f()
			if n := testing.AllocsPerRun(10, f.f); n != 0 {
				t.Errorf("%d threads: %s makes %v allocations per call", threads, f.name, n)
			}
		}
		if want == nil {
			want, wantD, wantPhi = res, gd, gp
			continue
		}
		if !sameResult(res, want) || !sameBits(gd, wantD) || !sameBits(gp, wantPhi) {
			t.Errorf("%d threads: results differ from 1 thread's", threads)
		}
	}
}

// adjWrapBLAS is gonum's native BLAS under another type, so that the engine
// takes its blas64 route, as it would with OpenBLAS.
type adjWrapBLAS struct{ gonumblas.Implementation }

// TestAdjointBLAS checks the blas64 route against the engine's own kernels.
func TestAdjointBLAS(t *testing.T) {
	p, z := adjMedium(t)
	eval := func() (*Result, []float64) {
		a, err := NewAdjoint(p, Options{Wrt: WrtBoth})
		if err != nil {
			t.Fatal(err)
		}
		res := NewResult(p, WrtBoth)
		if err := a.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		gd := make([]float64, p.D.NumParams())
		if _, err := a.SumGrad(gd, nil, z, nil); err != nil {
			t.Fatal(err)
		}
		return res, gd
	}
	own, ownD := eval()
	blas64.Use(adjWrapBLAS{})
	defer blas64.Use(gonumblas.Implementation{})
	if blasimpl.Native() {
		t.Fatal("the wrapped implementation is not taken for another BLAS")
	}
	viaBLAS, viaD := eval()
	for _, q := range []struct {
		what      string
		got, want []float64
	}{
		{"s", viaBLAS.S, own.S},
		{"∂s/∂θ", flat(viaBLAS.GradD), flat(own.GradD)},
		{"∂s/∂φ", flat(viaBLAS.GradPhi), flat(own.GradPhi)},
		{"SumGrad", viaD, ownD},
	} {
		// Other summation orders: round-off only.
		if d := normRel(q.got, q.want); d > 1e-13 {
			t.Errorf("%s: blas64 route differs by %.3g", q.what, d)
		}
	}
}

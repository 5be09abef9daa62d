package cossim

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// adjSameBits reports whether a and b hold identical float64 bit patterns.
func adjSameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func adjSameResult(a, b *Result) bool {
	same := adjSameBits(a.S, b.S) && adjSameBits(a.Dot, b.Dot) && adjSameBits(a.ColNormSq, b.ColNormSq) &&
		math.Float64bits(a.GradNormSq) == math.Float64bits(b.GradNormSq)
	if a.GradD != nil {
		same = same && adjSameBits(a.GradD.RawMatrix().Data, b.GradD.RawMatrix().Data)
	}
	if a.GradPhi != nil {
		same = same && adjSameBits(a.GradPhi.RawMatrix().Data, b.GradPhi.RawMatrix().Data)
	}
	return same
}

// adjBatch returns the "mixed" random problem and nb latents.
func adjBatch(t *testing.T, nb int) (Problem, *mat.Dense) {
	p, _ := adjProblem(t, adjCases()[9], 31)
	rng := rand.New(rand.NewPCG(4, 4))
	Z := mat.NewDense(nb, p.M(), nil)
	for b := 0; b < nb; b++ {
		Z.SetRow(b, adjVec(rng, p.M()))
	}
	return p, Z
}

// TestBatchWorkers checks that batch results are bit-for-bit those of one
// engine evaluating the latents in turn, for any number of workers.
func TestBatchWorkers(t *testing.T) {
	const nb = 13
	p, Z := adjBatch(t, nb)
	opt := Options{Wrt: WrtBoth}
	for _, k := range []Kind{EngineAdjoint, EngineForward, EngineLooped} {
		e, err := New(p, opt, k)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]*Result, nb)
		for b := range want {
			want[b] = NewResult(p, opt.Wrt)
			if err := e.Eval(want[b], Z.RawRowView(b)); err != nil {
				t.Fatal(err)
			}
		}
		for _, workers := range []int{1, 2, 3, 7} {
			bt, err := NewBatch(p, opt, k, workers)
			if err != nil {
				t.Fatal(err)
			}
			res := make([]*Result, nb)
			for b := range res {
				res[b] = NewResult(p, opt.Wrt)
			}
			for rep := 0; rep < 2; rep++ { // the second call reuses the workspaces
				if err := bt.Eval(Z, res); err != nil {
					t.Fatal(err)
				}
				for b := range res {
					if !adjSameResult(res[b], want[b]) {
						t.Errorf("%v, %d workers, call %d: sample %d differs from a lone engine's", k, workers, rep, b)
					}
				}
			}
		}
	}
	// EvalBatch is the same with GOMAXPROCS workers.
	res := make([]*Result, nb)
	for b := range res {
		res[b] = NewResult(p, opt.Wrt)
	}
	if err := EvalBatch(p, opt, EngineAdjoint, Z, res); err != nil {
		t.Fatal(err)
	}
	a, _ := NewAdjoint(p, opt)
	want := NewResult(p, opt.Wrt)
	for b := range res {
		if err := a.Eval(want, Z.RawRowView(b)); err != nil {
			t.Fatal(err)
		}
		if !adjSameResult(res[b], want) {
			t.Errorf("EvalBatch: sample %d differs", b)
		}
	}
}

// adjReluProblem has g = 0 exactly when z₀ + z₁ < 0: D is the identity on
// R² and Φ = relu(z₀ + z₁).
func adjReluProblem() Problem {
	return Problem{
		D:   &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(2, 2, []float64{1, 0, 0, 1}), B: []float64{0, 0}}}},
		Phi: &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(1, 2, []float64{1, 1}), B: []float64{0}, Act: layers.ReLU}}},
	}
}

// TestBatchErrors checks that a batch reports its lowest-indexed failing
// sample whatever the number of workers.
func TestBatchErrors(t *testing.T) {
	p := adjReluProblem()
	good, zeroG := []float64{0.5, 0.25}, []float64{-1, 0.5}
	nan := []float64{0.5, math.NaN()}
	rows := func(zs ...[]float64) *mat.Dense {
		Z := mat.NewDense(len(zs), 2, nil)
		for b, z := range zs {
			Z.SetRow(b, z)
		}
		return Z
	}
	for _, c := range []struct {
		name      string
		Z         *mat.Dense
		sample    int
		undefined bool
	}{
		{"zero g at 3 and 5", rows(good, good, good, zeroG, good, zeroG, good, good), 3, true},
		{"zero g at 0", rows(zeroG, good, good, good, good), 0, true},
		{"NaN at 2 before zero g at 4", rows(good, good, nan, good, zeroG, good, good), 2, false},
		{"zero g at 6 of 7", rows(good, good, good, good, good, good, zeroG), 6, true},
	} {
		nb, _ := c.Z.Dims()
		for _, workers := range []int{1, 2, 3, 7} {
			bt, err := NewBatch(p, Options{Wrt: WrtBoth}, EngineAdjoint, workers)
			if err != nil {
				t.Fatal(err)
			}
			res := make([]*Result, nb)
			for b := range res {
				res[b] = NewResult(p, WrtBoth)
			}
			errEval := bt.Eval(c.Z, res)
			_, errSum := bt.SumGrad(make([]float64, p.D.NumParams()), make([]float64, p.Phi.NumParams()), c.Z, nil)
			for _, err := range []error{errEval, errSum} {
				var ue *UndefinedError
				var se *SampleError
				switch {
				case c.undefined && errors.As(err, &ue):
					if ue.Sample != c.sample || ue.Direction != -1 {
						t.Errorf("%s, %d workers: %v, want sample %d, direction -1", c.name, workers, err, c.sample)
					}
				case !c.undefined && errors.As(err, &se):
					if se.Sample != c.sample {
						t.Errorf("%s, %d workers: %v, want sample %d", c.name, workers, err, c.sample)
					}
				default:
					t.Errorf("%s, %d workers: error %v", c.name, workers, err)
				}
			}
			if workers == 1 {
				t.Logf("%s: %v", c.name, errEval)
			}
		}
	}
}

// TestBatchSumGrad checks the batched weighted-sum gradient: bit-for-bit the
// in-order sum of the per-sample gradients for any number of workers, and
// equal to the sum of wᵀ·(full Jacobian) over the samples.
func TestBatchSumGrad(t *testing.T) {
	const nb = 11
	p, Z := adjBatch(t, nb)
	opt := Options{Wrt: WrtBoth}
	w := adjVec(rand.New(rand.NewPCG(8, 8)), p.M())
	pd, pf := p.D.NumParams(), p.Phi.NumParams()

	// The in-order fold of Adjoint.SumGrad, and Σ_b wᵀJ_b from Eval.
	a, _ := NewAdjoint(p, opt)
	wantD, wantPhi := make([]float64, pd), make([]float64, pf)
	jacD, jacPhi := make([]float64, pd), make([]float64, pf)
	gd, gp := make([]float64, pd), make([]float64, pf)
	wantSum, jacSum := 0.0, 0.0
	res := NewResult(p, opt.Wrt)
	for b := 0; b < nb; b++ {
		v, err := a.SumGrad(gd, gp, Z.RawRowView(b), w)
		if err != nil {
			t.Fatal(err)
		}
		wantSum += v
		for k := range gd {
			wantD[k] += gd[k]
		}
		for k := range gp {
			wantPhi[k] += gp[k]
		}
		if err := a.Eval(res, Z.RawRowView(b)); err != nil {
			t.Fatal(err)
		}
		for i, wi := range w {
			jacSum += wi * res.S[i]
			for k, v := range res.GradD.RawRowView(i) {
				jacD[k] += wi * v
			}
			for k, v := range res.GradPhi.RawRowView(i) {
				jacPhi[k] += wi * v
			}
		}
	}
	if e := adjNormRel(wantD, jacD); e > 1e-12 {
		t.Errorf("Σ SumGrad differs from Σ wᵀJ by %.3g wrt θ", e)
	}
	if e := adjNormRel(wantPhi, jacPhi); e > 1e-12 {
		t.Errorf("Σ SumGrad differs from Σ wᵀJ by %.3g wrt φ", e)
	}
	if e := math.Abs(wantSum-jacSum) / math.Abs(jacSum); e > 1e-12 {
		t.Errorf("Σ SumGrad's sum %v, Σ wᵀs %v", wantSum, jacSum)
	}

	for _, kind := range []Kind{EngineAdjoint, EngineForward} {
		for _, workers := range []int{1, 2, 3, 7} {
			bt, err := NewBatch(p, opt, kind, workers)
			if err != nil {
				t.Fatal(err)
			}
			gotD, gotPhi := make([]float64, pd), make([]float64, pf)
			for rep := 0; rep < 2; rep++ {
				sum, err := bt.SumGrad(gotD, gotPhi, Z, w)
				if err != nil {
					t.Fatal(err)
				}
				if math.Float64bits(sum) != math.Float64bits(wantSum) || !adjSameBits(gotD, wantD) || !adjSameBits(gotPhi, wantPhi) {
					t.Errorf("%v, %d workers, call %d: differs from the in-order sum", kind, workers, rep)
				}
			}
			// A nil gradient is skipped without changing the other.
			onlyD := make([]float64, pd)
			if _, err := bt.SumGrad(onlyD, nil, Z, w); err != nil {
				t.Fatal(err)
			}
			if !adjSameBits(onlyD, wantD) {
				t.Errorf("%v, %d workers: θ gradient alone differs", kind, workers)
			}
		}
	}
}

func TestBatchBadInput(t *testing.T) {
	p, Z := adjBatch(t, 3)
	bt, err := NewBatch(p, Options{Wrt: WrtD}, EngineAdjoint, 2)
	if err != nil {
		t.Fatal(err)
	}
	res := []*Result{NewResult(p, WrtD), NewResult(p, WrtD), NewResult(p, WrtD)}
	for _, c := range []struct {
		name string
		err  error
	}{
		{"nil latents", bt.Eval(nil, res)},
		{"wrong width", bt.Eval(mat.NewDense(3, p.M()+1, nil), res)},
		{"too few results", bt.Eval(Z, res[:2])},
		{"result without GradD", bt.Eval(Z, []*Result{res[0], NewResult(p, WrtNone), res[2]})},
		{"SumGrad weights", func() error { _, err := bt.SumGrad(nil, nil, Z, []float64{1}); return err }()},
		{"SumGrad gradD", func() error { _, err := bt.SumGrad(make([]float64, 1), nil, Z, nil); return err }()},
		{"SumGrad gradPhi", func() error { _, err := bt.SumGrad(nil, make([]float64, 1), Z, nil); return err }()},
		{"SumGrad width", func() error { _, err := bt.SumGrad(nil, nil, mat.NewDense(1, 1, nil), nil); return err }()},
	} {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
		} else {
			t.Logf("%s: %v", c.name, c.err)
		}
	}
	if _, err := NewBatch(Problem{}, Options{}, EngineAdjoint, 1); err == nil {
		t.Error("NewBatch(invalid problem) gave no error")
	}
	if _, err := NewBatch(adjLarge(), Options{Wrt: WrtD}, EngineForward, 1); err == nil {
		t.Error("NewBatch(large, forward) gave no error")
	}
}

// TestBatchAllocs checks that a reused Batch does not allocate.
func TestBatchAllocs(t *testing.T) {
	p, Z := adjBatch(t, 8)
	bt, err := NewBatch(p, Options{Wrt: WrtBoth}, EngineAdjoint, 2)
	if err != nil {
		t.Fatal(err)
	}
	res := make([]*Result, 8)
	for b := range res {
		res[b] = NewResult(p, WrtBoth)
	}
	gd, gp := make([]float64, p.D.NumParams()), make([]float64, p.Phi.NumParams())
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Eval", func() { _ = bt.Eval(Z, res) }},
		{"SumGrad", func() { _, _ = bt.SumGrad(gd, gp, Z, nil) }},
	} {
		c.f()
		if n := testing.AllocsPerRun(20, c.f); n != 0 {
			t.Errorf("%s: %v allocations per call", c.name, n)
		}
	}
}

// BenchmarkBatch times 64 latents on GOMAXPROCS workers: "sumgrad" is
// Σ_b Σᵢ sᵢ(z_b) with its gradient wrt θ (bench/torch_bench.py's batch64),
// "eval" the 64 full Jacobians (not for the large case, whose 64 results
// would take 2.2 GB).
func BenchmarkBatch(b *testing.B) {
	const nb = 64
	for _, c := range adjBenchCases {
		p, Z := adjBenchProblem(c, nb)
		b.Run(c.name+"/sumgrad", func(b *testing.B) {
			if c.large && testing.Short() {
				b.Skip("large case under -short")
			}
			bt, err := NewBatch(p, Options{Wrt: WrtD}, EngineAdjoint, 0)
			if err != nil {
				b.Fatal(err)
			}
			grad := make([]float64, p.D.NumParams())
			if _, err := bt.SumGrad(grad, nil, Z, nil); err != nil { // allocates the workspaces
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bt.SumGrad(grad, nil, Z, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		if c.large {
			continue
		}
		b.Run(c.name+"/eval", func(b *testing.B) {
			bt, err := NewBatch(p, Options{Wrt: WrtD}, EngineAdjoint, 0)
			if err != nil {
				b.Fatal(err)
			}
			res := make([]*Result, nb)
			for i := range res {
				res[i] = NewResult(p, WrtD)
			}
			if err := bt.Eval(Z, res); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := bt.Eval(Z, res); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

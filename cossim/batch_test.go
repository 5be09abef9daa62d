package cossim

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// batchProblem returns the "mixed" random problem and nb latents.
func batchProblem(t *testing.T, nb int) (Problem, *mat.Dense) {
	p, _ := randProblem(t, caseByName(t, "mixed"), 31)
	rng := rand.New(rand.NewPCG(4, 4))
	Z := mat.NewDense(nb, p.M(), nil)
	for b := 0; b < nb; b++ {
		Z.SetRow(b, randVec(rng, p.M()))
	}
	return p, Z
}

// TestBatchWorkers checks that batch results are bit-for-bit those of one
// engine evaluating the latents in turn, for any number of workers.
func TestBatchWorkers(t *testing.T) {
	const nb = 13
	p, Z := batchProblem(t, nb)
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
					if !sameResult(res[b], want[b]) {
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
		if !sameResult(res[b], want) {
			t.Errorf("EvalBatch: sample %d differs", b)
		}
	}
}

// reluProblem has g = 0 exactly when z₀ + z₁ < 0: D is the identity on
// R² and Φ = relu(z₀ + z₁).
func reluProblem() Problem {
	return Problem{
		D:   &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(2, 2, []float64{1, 0, 0, 1}), B: []float64{0, 0}}}},
		Phi: &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(1, 2, []float64{1, 1}), B: []float64{0}, Act: layers.ReLU}}},
	}
}

// TestBatchErrors checks that a batch reports its lowest-indexed failing
// sample whatever the number of workers.
func TestBatchErrors(t *testing.T) {
	p := reluProblem()
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
	p, Z := batchProblem(t, nb)
	opt := Options{Wrt: WrtBoth}
	w := randVec(rand.New(rand.NewPCG(8, 8)), p.M())
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
	if e := normRel(wantD, jacD); e > 1e-12 {
		t.Errorf("Σ SumGrad differs from Σ wᵀJ by %.3g wrt θ", e)
	}
	if e := normRel(wantPhi, jacPhi); e > 1e-12 {
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
				if math.Float64bits(sum) != math.Float64bits(wantSum) || !sameBits(gotD, wantD) || !sameBits(gotPhi, wantPhi) {
					t.Errorf("%v, %d workers, call %d: differs from the in-order sum", kind, workers, rep)
				}
			}
			// A nil gradient is skipped without changing the other.
			onlyD := make([]float64, pd)
			if _, err := bt.SumGrad(onlyD, nil, Z, w); err != nil {
				t.Fatal(err)
			}
			if !sameBits(onlyD, wantD) {
				t.Errorf("%v, %d workers: θ gradient alone differs", kind, workers)
			}
		}
	}
}

func TestBatchBadInput(t *testing.T) {
	p, Z := batchProblem(t, 3)
	bt, err := NewBatch(p, Options{Wrt: WrtD}, EngineAdjoint, 2)
	if err != nil {
		t.Fatal(err)
	}
	res := []*Result{NewResult(p, WrtD), NewResult(p, WrtD), NewResult(p, WrtD)}
	nanRow := mat.DenseCopyOf(Z)
	nanRow.Set(2, 1, math.NaN())
	sumErr := func(gradD, gradPhi []float64, Z *mat.Dense, w []float64) error {
		_, err := bt.SumGrad(gradD, gradPhi, Z, w)
		return err
	}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"nil latents", bt.Eval(nil, res), "cossim: no latents"},
		{"wrong width", bt.Eval(mat.NewDense(3, p.M()+1, nil), res), "cossim: latents have 3 columns, want m = 2"},
		{"too few results", bt.Eval(Z, res[:2]), "cossim: 2 results for 3 latents"},
		{"result without GradD", bt.Eval(Z, []*Result{res[0], NewResult(p, WrtNone), res[2]}),
			"cossim: sample 1: result has no GradD; make it with NewResult and the engine's Wrt"},
		{"NaN latent", bt.Eval(nanRow, res), "cossim: sample 2: z[1] = NaN is not finite"},
		{"SumGrad weights", sumErr(nil, nil, Z, []float64{1}), "cossim: weights have length 1, want 2"},
		{"SumGrad NaN weight", sumErr(nil, nil, Z, []float64{1, math.Inf(1)}), "cossim: weights[1] = +Inf is not finite"},
		{"SumGrad gradD", sumErr(make([]float64, 1), nil, Z, nil), "cossim: gradD has length 1, want P_D = 47"},
		{"SumGrad gradPhi", sumErr(nil, make([]float64, 1), Z, nil), "cossim: gradPhi has length 1, want P_Φ = 39"},
		{"SumGrad width", sumErr(nil, nil, mat.NewDense(1, 1, nil), nil), "cossim: latents have 1 columns, want m = 2"},
		{"SumGrad NaN latent", sumErr(nil, nil, nanRow, nil), "cossim: sample 2: z[1] = NaN is not finite"},
	} {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("%s: error %v, want %s", c.name, c.err, c.want)
		}
	}
	if _, err := NewBatch(Problem{}, Options{}, EngineAdjoint, 1); err == nil {
		t.Error("NewBatch(invalid problem) gave no error")
	}
	if _, err := NewBatch(largeProblem(), Options{Wrt: WrtD}, EngineForward, 1); err == nil || !strings.Contains(err.Error(), "budget") {
		t.Errorf("NewBatch(large, forward): error %v, want the budget error", err)
	}
}

// TestBatchForwardBudget checks that a Forward batch keeps all its engines
// within the memory budget by using fewer workers.
func TestBatchForwardBudget(t *testing.T) {
	p, Z := batchProblem(t, 5)
	need := ForwardBytes(p, WrtBoth)
	res := make([]*Result, 5)
	for b := range res {
		res[b] = NewResult(p, WrtBoth)
	}
	for _, c := range []struct {
		budget int64
		want   int
	}{{need, 1}, {3*need - 1, 2}, {7 * need, 7}, {100 * need, 7}, {0, 7}} {
		bt, err := NewBatch(p, Options{Wrt: WrtBoth, ForwardMemory: c.budget}, EngineForward, 7)
		if err != nil {
			t.Fatal(err)
		}
		if bt.Workers() != c.want {
			t.Errorf("budget %d = %.2f × ForwardBytes: %d workers, want %d", c.budget, float64(c.budget)/float64(need), bt.Workers(), c.want)
		}
		if err := bt.Eval(Z, res); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := NewBatch(p, Options{Wrt: WrtBoth, ForwardMemory: need - 1}, EngineForward, 7); err == nil || !strings.Contains(err.Error(), "budget") {
		t.Errorf("budget below one engine's: error %v, want the budget error", err)
	}
}

// TestBatchAllocs checks that a reused Batch does not allocate.
func TestBatchAllocs(t *testing.T) {
	p, Z := batchProblem(t, 8)
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
	for _, c := range benchCases {
		p, Z := benchProblem(c, nb)
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

package cossim

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/dgemm"
	"github.com/dualgrad/dualgrad/internal/examples"
	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// batchProblem returns a random problem and nb latents.
func batchProblem(t *testing.T, nb int) (Problem, *mat.Dense) {
	t.Helper()
	p, z := randProblem(t, engineCases()[1], 11)
	rng := rand.New(rand.NewPCG(12, 13))
	Z := mat.NewDense(nb, p.M(), nil)
	Z.SetRow(0, z)
	for r := 1; r < nb; r++ {
		Z.SetRow(r, examples.Vec(rng, p.M()))
	}
	return p, Z
}

// TestBatchStackedAgrees: the stacked adjoint sweep agrees with one
// engine per latent to 1e-13 (issue 12), with chunks of every size, and
// the per-sample goroutines agree bit for bit with single Evals.
func TestBatchStackedAgrees(t *testing.T) {
	p, Z := batchProblem(t, 7)
	opt := Options{Wrt: WrtBoth}
	nb, _ := Z.Dims()
	single := make([]*Result, nb)
	for s := range single {
		single[s] = mustEval(t, p, opt, KindAdjoint, Z.RawRowView(s))
	}
	for _, chunk := range []int{1, 2, 3, 7} {
		a, err := NewAdjoint(p, opt)
		if err != nil {
			t.Fatal(err)
		}
		a.chunk = chunk
		err = a.EvalBatch(Z, func(s int, r *Result) error {
			for _, q := range [][2][]float64{{r.S, single[s].S}, {flat(r.GradD), flat(single[s].GradD)}, {flat(r.GradPhi), flat(single[s].GradPhi)}} {
				if e := normRel(q[0], q[1]); e > 1e-13 {
					t.Errorf("chunk %d sample %d: stacked differs from single by %.2g", chunk, s, e)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Per-sample workers (the non-stacked route) are bit-identical.
	for _, workers := range []int{2, 3} {
		b := mustBatch(t, p, opt, KindForward, workers)
		res := make([]*Result, nb)
		for s := range res {
			res[s] = NewResult(p, opt.Wrt)
		}
		if err := b.Eval(Z, res); err != nil {
			t.Fatal(err)
		}
		for s := range res {
			want := mustEval(t, p, opt, KindForward, Z.RawRowView(s))
			if !sameResult(res[s], want) {
				t.Errorf("forward batch, %d workers, sample %d: not bit-identical to a single Eval", workers, s)
			}
		}
	}
}

func mustBatch(t *testing.T, p Problem, opt Options, k Kind, workers int) *Batch {
	t.Helper()
	b, err := NewBatch(p, opt, k, workers)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBatchThreadsLarge is TestBatchThreads on networks whose products are
// large enough for dgemm to split over threads (153 × 256 × 64 and up, past
// its 2²⁰ multiply-adds): the Σ-gradient, each latent's s and its Jacobian
// rows are bit-identical for every combination of GOMAXPROCS 1 and 2,
// dgemm threads 1 and 3, and 1 or 3 batch workers (two chunks of 17).
func TestBatchThreadsLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	const m, nb = 8, 34
	p := Problem{D: examples.RandUniform(rng, []int{m, 64, 256}, layers.Tanh).Graph(),
		Phi: examples.RandUniform(rng, []int{256, 64, 1}, layers.Tanh).Graph()}
	Z := mat.NewDense(nb, m, nil)
	for r := 0; r < nb; r++ {
		Z.SetRow(r, examples.Vec(rng, m))
	}
	type out struct {
		g, s []float64
		jac  []float64
	}
	run := func(procs, threads, workers int) out {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		defer dgemm.SetThreads(0) // back to following GOMAXPROCS
		dgemm.SetThreads(threads)
		b := mustBatch(t, p, Options{}, KindAdjoint, workers)
		S := mat.NewDense(nb, m, nil)
		g := make([]float64, p.D.NumParams())
		if _, err := b.SumGradInto(S, g, nil, Z, nil); err != nil {
			t.Fatal(err)
		}
		jb := mustBatch(t, p, Options{Wrt: WrtD}, KindAdjoint, workers)
		var jac []float64
		res := make([]*Result, nb)
		for s := range res {
			res[s] = NewResult(p, WrtD)
		}
		if err := jb.Eval(Z, res); err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			jac = append(jac, flat(r.GradD)...)
		}
		return out{g, append([]float64(nil), S.RawMatrix().Data...), jac}
	}
	ref := run(1, 1, 1)
	for _, procs := range []int{1, 2} {
		for _, threads := range []int{1, 3} {
			for _, workers := range []int{1, 3} {
				o := run(procs, threads, workers)
				if !sameBits(o.g, ref.g) || !sameBits(o.s, ref.s) || !sameBits(o.jac, ref.jac) {
					t.Errorf("GOMAXPROCS %d, %d dgemm threads, %d workers: results differ from one thread's", procs, threads, workers)
				}
			}
		}
	}
}

// TestBatchThreads: a stacked batch's results are bit-identical for
// GOMAXPROCS 1 and 2 (the matrix products split over threads by output
// tiles only).
func TestBatchThreads(t *testing.T) {
	p, Z := batchProblem(t, 5)
	opt := Options{Wrt: WrtBoth}
	run := func(procs int) ([]*Result, []float64, float64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		b := mustBatch(t, p, opt, KindAdjoint, 0)
		nb, _ := Z.Dims()
		res := make([]*Result, nb)
		for s := range res {
			res[s] = NewResult(p, opt.Wrt)
		}
		if err := b.Eval(Z, res); err != nil {
			t.Fatal(err)
		}
		g := make([]float64, p.D.NumParams())
		sum, err := b.SumGrad(g, nil, Z, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res, g, sum
	}
	r1, g1, s1 := run(1)
	r2, g2, s2 := run(2)
	for s := range r1 {
		if !sameResult(r1[s], r2[s]) {
			t.Errorf("sample %d differs between GOMAXPROCS 1 and 2", s)
		}
	}
	if !sameBits(g1, g2) || s1 != s2 {
		t.Error("SumGrad differs between GOMAXPROCS 1 and 2")
	}
}

// TestBatchSumGrad: the batch's Σ-gradient is the sum of the per-latent
// ones, to 1e-13, stacked or not.
func TestBatchSumGrad(t *testing.T) {
	p, Z := batchProblem(t, 6)
	w := []float64{0.5, -1, 2}
	nb, _ := Z.Dims()
	a, _ := NewAdjoint(p, Options{})
	wantD, wantP := make([]float64, p.D.NumParams()), make([]float64, p.Phi.NumParams())
	wantSum := 0.0
	gd, gp := make([]float64, len(wantD)), make([]float64, len(wantP))
	for s := 0; s < nb; s++ {
		v, err := a.SumGrad(gd, gp, Z.RawRowView(s), w)
		if err != nil {
			t.Fatal(err)
		}
		wantSum += v
		for k := range gd {
			wantD[k] += gd[k]
		}
		for k := range gp {
			wantP[k] += gp[k]
		}
	}
	for _, workers := range []int{1, 2} {
		b := mustBatch(t, p, Options{}, KindAdjoint, workers)
		sum, err := b.SumGrad(gd, gp, Z, w)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(sum-wantSum) > 1e-13*math.Abs(wantSum) || normRel(gd, wantD) > 1e-13 || normRel(gp, wantP) > 1e-13 {
			t.Errorf("workers %d (stacked %v): Σ = %v, want %v; ∇ differs by %.2g, %.2g", workers, b.Stacked(), sum, wantSum, normRel(gd, wantD), normRel(gp, wantP))
		}
	}
}

// TestBatchErrors: errors name the sample.
func TestBatchErrors(t *testing.T) {
	phi, d, _ := examples.Post()
	d.Layers[0].B = []float64{0, 0, 0, 0}
	p := Problem{Phi: phi.Graph(), D: d.Graph()}
	Z := mat.NewDense(3, 2, []float64{1, 0.5, 2, 1, 1, math.NaN()})
	b := mustBatch(t, p, Options{Wrt: WrtD}, KindAdjoint, 1)
	err := b.Stream(Z, func(int, *Result) error { return nil })
	var se *SampleError
	if !errors.As(err, &se) || se.Sample != 2 || !strings.Contains(err.Error(), "sample 2") {
		t.Errorf("NaN latent: %v, want a SampleError for sample 2", err)
	}
	// A zero column makes sample 1 undefined only where tanh′ vanishes…
	// simpler: zero Φ makes every sample undefined; the first is named.
	phi.Layers[0].W.Zero()
	Z = mat.NewDense(2, 2, []float64{1, 0.5, 2, 1})
	err = b.Stream(Z, func(int, *Result) error { return nil })
	var ue *UndefinedError
	if !errors.As(err, &ue) || ue.Sample != 0 {
		t.Errorf("zero Φ: %v, want an UndefinedError for sample 0", err)
	}
	stop := errors.New("stop")
	phi.Layers[0].W.Set(0, 0, 1)
	if err := b.Stream(Z, func(s int, _ *Result) error {
		if s == 1 {
			return stop
		}
		return nil
	}); err != stop {
		t.Errorf("emit's error: %v, want it returned", err)
	}
}

// TestBatchAllocs: a stacked batch makes no allocations once sized.
func TestBatchAllocs(t *testing.T) {
	p, Z := batchProblem(t, 4)
	b := mustBatch(t, p, Options{Wrt: WrtD}, KindAdjoint, 1)
	emit := func(int, *Result) error { return nil }
	g := make([]float64, p.D.NumParams())
	run := func() {
		if err := b.Stream(Z, emit); err != nil {
			t.Fatal(err)
		}
		if _, err := b.SumGrad(g, nil, Z, nil); err != nil {
			t.Fatal(err)
		}
	}
	wantNoAllocs(t, run)
}

// TestBudget: the engines refuse work over Options.MaxMemory with a
// *BudgetError, before allocating.
func TestBudget(t *testing.T) {
	p, _ := batchProblem(t, 1)
	for _, k := range []Kind{KindForward, KindAdjoint} {
		_, err := New(p, Options{Wrt: WrtBoth, MaxMemory: 1024}, k)
		var be *BudgetError
		if !errors.As(err, &be) || be.Budget != 1024 || be.Need <= 1024 || !strings.Contains(err.Error(), "MaxMemory") {
			t.Errorf("%v: %v, want a BudgetError", k, err)
		}
	}
	if k := ChooseKind(p, Options{Wrt: WrtBoth, MaxMemory: forwardBytes(p, WrtBoth) - 1}); k != KindAdjoint {
		t.Errorf("ChooseKind over the forward budget: %v", k)
	}
}

// TestBatchSumGradInto: the values written beside the gradient equal those
// of Eval, from the stacked sweep (chunks of 2) and through a Batch.
func TestBatchSumGradInto(t *testing.T) {
	p, Z := batchProblem(t, 5)
	nb, _ := Z.Dims()
	a, err := NewAdjoint(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a.sumChunk = 2
	b := mustBatch(t, p, Options{}, KindAdjoint, 2)
	for name, run := range map[string]func(S *mat.Dense, g []float64) (float64, error){
		"stacked": func(S *mat.Dense, g []float64) (float64, error) { return a.SumGradBatchInto(S, g, nil, Z, nil) },
		"batch":   func(S *mat.Dense, g []float64) (float64, error) { return b.SumGradInto(S, g, nil, Z, nil) },
	} {
		S := mat.NewDense(nb, p.M(), nil)
		sum, err := run(S, make([]float64, p.D.NumParams()))
		if err != nil {
			t.Fatal(err)
		}
		total := 0.0
		for s := 0; s < nb; s++ {
			want := mustEval(t, p, Options{}, KindAdjoint, Z.RawRowView(s))
			if e := normRel(S.RawRowView(s), want.S); e > 1e-13 {
				t.Errorf("%s sample %d: S row %v, Eval's s %v", name, s, S.RawRowView(s), want.S)
			}
			for _, v := range want.S {
				total += v
			}
		}
		if math.Abs(sum-total) > 1e-13*total {
			t.Errorf("%s: Σ = %v, want %v", name, sum, total)
		}
	}
	if _, err := b.SumGradInto(mat.NewDense(1, 1, nil), nil, nil, Z, nil); err == nil || !strings.Contains(err.Error(), "S is 1 × 1") {
		t.Errorf("wrong S: %v", err)
	}
}

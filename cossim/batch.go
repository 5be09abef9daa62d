package cossim

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Batch evaluates many latents at once, the rows of a B × m *mat.Dense, in
// one of two ways. With the adjoint engine, when stacking pays (see
// NewBatch), the latents are stacked in the rows of every matrix product,
// chunk by chunk as Adjoint.EvalBatch and Adjoint.SumGradBatch do, and the
// workers run different chunks at once, each on its own engine. Otherwise
// the latents are shared out among worker goroutines one at a time, each
// with its own engine and workspace. Either way every result is computed by the
// same deterministic code whatever the chunking or the worker, and sums
// over samples are added in sample order, so results are bit-for-bit
// independent of the number of workers and threads. A Batch is not safe
// for concurrent use; after the first call of each method, its methods
// make no allocations.
type Batch struct {
	p         Problem
	opt       Options
	kind      Kind
	workers   int
	stack     *stacked // the stacked route, or nil for per-sample workers
	engines   []Engine
	adj       []*Adjoint  // SumGrad's engines, made on first use
	gd, gp    [][]float64 // per-worker SumGrad gradients, made on first use
	run       []func()    // per-worker goroutine bodies, made once
	streamRes *Result

	// The current call, read by the workers.
	sum            bool
	z              *mat.Dense
	S              *mat.Dense // SumGradInto's values, or nil
	res            []*Result
	w              []float64
	gradD, gradPhi []float64
	n              int
	next           atomic.Int64
	stop           atomic.Int64 // lowest failing sample so far
	errAt          []int        // Eval: each worker's first failing sample
	errs           []error
	wg             sync.WaitGroup

	// SumGrad's ordered fold: sample s is added when turn == s.
	mu    sync.Mutex
	cond  sync.Cond
	turn  int
	total float64
	err   error
}

// NewBatch returns a batch evaluator with engines of kind k (KindAuto
// resolved once by ChooseKind) and up to the given number of workers;
// workers ≤ 0 means runtime.GOMAXPROCS(0). An adjoint batch stacks the
// latents into one engine's sweeps unless stacking does not pay: for
// networks so small that one latent's evaluation costs under
// stackMinNanos by the cost model, per-sample goroutines use the cores
// better. The choice, and a stacked batch's chunks, depend on the problem
// and opt only, so results do not depend on the number of workers. The
// workers' workspaces count against opt.MaxMemory together, so NewBatch
// uses fewer workers if theirs would exceed it, and fails as NewAdjoint or
// NewForward does if one would.
func NewBatch(p Problem, opt Options, k Kind, workers int) (*Batch, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if k == KindAuto {
		k = ChooseKind(p, opt)
	}
	b := &Batch{p: p, opt: opt, kind: k, workers: workers}
	// The route depends on the problem alone, never on the number of
	// workers, so that results are bit-identical for any GOMAXPROCS.
	if k == KindAdjoint && (p.Validate() != nil || defaultCost.adjoint(p, opt.Wrt) >= stackMinNanos) {
		st, err := newStacked(p, opt, workers)
		if err != nil {
			return nil, err
		}
		b.stack, b.workers = st, st.workers
		return b, nil
	}
	if k == KindForward && p.Validate() == nil {
		workers = int(max(1, min(int64(workers), opt.budget()/max(1, forwardBytes(p, opt.Wrt)))))
		b.workers = workers
	}
	b.engines = make([]Engine, workers)
	for w := range b.engines {
		e, err := New(p, opt, k)
		if err != nil {
			return nil, err
		}
		b.engines[w] = e
	}
	b.run = make([]func(), workers)
	for w := range b.run {
		b.run[w] = func() {
			defer b.wg.Done()
			b.work(w)
		}
	}
	b.errAt = make([]int, workers)
	b.errs = make([]error, workers)
	b.cond.L = &b.mu
	return b, nil
}

// stackMinNanos is the cost-model time of one latent's evaluation above
// which an adjoint batch stacks its latents instead of spreading them over
// goroutines. Fitted with BenchmarkCossimBatch (bench/).
const stackMinNanos = 20000

// Stacked reports whether the batch stacks its latents in the rows of its
// engines' products.
func (b *Batch) Stacked() bool { return b.stack != nil }

// Kind returns the kind of the batch's engines.
func (b *Batch) Kind() Kind { return b.kind }

// Workers returns the number of workers after NewBatch's memory cap. A
// stacked batch uses at most one per chunk of latents.
func (b *Batch) Workers() int { return b.workers }

// EvalBatch evaluates the latents in the rows of Z into res, one result per
// row, with engines of kind k and runtime.GOMAXPROCS(0) workers. It is
// NewBatch followed by Batch.Eval; reuse a Batch to avoid allocating
// engines on every call.
func EvalBatch(p Problem, opt Options, k Kind, Z *mat.Dense, res []*Result) error {
	if Z != nil {
		if r, _ := Z.Dims(); r < runtime.GOMAXPROCS(0) {
			b, err := NewBatch(p, opt, k, max(r, 1))
			if err != nil {
				return err
			}
			return b.Eval(Z, res)
		}
	}
	b, err := NewBatch(p, opt, k, 0)
	if err != nil {
		return err
	}
	return b.Eval(Z, res)
}

func (b *Batch) checkLatents(Z *mat.Dense) (int, error) {
	if Z == nil || Z.IsEmpty() {
		return 0, errors.New("cossim: no latents")
	}
	r, c := Z.Dims()
	if c != b.p.M() {
		return 0, fmt.Errorf("cossim: latents have %d columns, want m = %d", c, b.p.M())
	}
	return r, nil
}

// Eval evaluates the latent in row s of Z into res[s] for every s. If some
// samples fail, it returns the error of the lowest-indexed one, an
// *UndefinedError or a *SampleError naming it; the other results are then
// unspecified.
func (b *Batch) Eval(Z *mat.Dense, res []*Result) error {
	n, err := b.checkLatents(Z)
	if err != nil {
		return err
	}
	if len(res) != n {
		return fmt.Errorf("cossim: %d results for %d latents", len(res), n)
	}
	if b.stack != nil {
		for s, r := range res {
			if err := checkResult(r, b.p.M(), b.opt.Wrt, b.p.D.NumParams(), b.p.Phi.NumParams()); err != nil {
				return &SampleError{Sample: s, Err: err}
			}
		}
		return b.stack.evalBatch(Z, func(s int, r *Result) error {
			copyResult(res[s], r, b.opt.Wrt)
			return nil
		})
	}
	b.sum, b.z, b.res, b.n = false, Z, res, n
	b.next.Store(0)
	b.stop.Store(int64(n))
	for w := range b.errs {
		b.errAt[w], b.errs[w] = n, nil
	}
	b.start(n)
	at, err := n, error(nil)
	for w, e := range b.errs {
		if e != nil && b.errAt[w] < at {
			at, err = b.errAt[w], e
		}
	}
	b.z, b.res = nil, nil
	return err
}

// SumGrad returns Σ_s Σᵢ wᵢ sᵢ(z_s) over the latents z_s in the rows of Z,
// and writes its gradient with respect to θ into gradD and with respect to
// φ into gradPhi, as Adjoint.SumGrad does for one latent (w nil means all
// ones; a nil gradient is skipped). It always uses Adjoint engines, whatever
// the batch's kind. The per-sample gradients are added in sample order, so
// the result is bit-for-bit independent of the number of workers. Errors
// are as for Eval.
func (b *Batch) SumGrad(gradD, gradPhi []float64, Z *mat.Dense, w []float64) (float64, error) {
	return b.SumGradInto(nil, gradD, gradPhi, Z, w)
}

// SumGradInto is SumGrad that also writes each latent's sᵢ into row b of S
// (B × m), unless S is nil, from the same sweep: a training step's values
// and gradient without a second pass.
func (b *Batch) SumGradInto(S *mat.Dense, gradD, gradPhi []float64, Z *mat.Dense, w []float64) (float64, error) {
	n, err := b.checkLatents(Z)
	if err != nil {
		return 0, err
	}
	if S != nil {
		if r, c := S.Dims(); r != n || c != b.p.M() {
			return 0, fmt.Errorf("cossim: S is %d × %d, want %d × %d (latents × m)", r, c, n, b.p.M())
		}
	}
	if err := checkSumArgs(gradD, gradPhi, w, b.p.M(), b.p.D.NumParams(), b.p.Phi.NumParams()); err != nil {
		return 0, err
	}
	if b.stack != nil {
		return b.stack.sumGrad(S, gradD, gradPhi, Z, w)
	}
	if err := b.prepareSum(gradD != nil, gradPhi != nil); err != nil {
		return 0, err
	}
	clear(gradD)
	clear(gradPhi)
	b.sum, b.z, b.w, b.gradD, b.gradPhi, b.n, b.S = true, Z, w, gradD, gradPhi, n, S
	b.next.Store(0)
	b.stop.Store(int64(n))
	b.turn, b.total, b.err = 0, 0, nil
	b.start(n)
	total, err := b.total, b.err
	b.z, b.w, b.gradD, b.gradPhi, b.S = nil, nil, nil, nil, nil
	if err != nil {
		return 0, err
	}
	return total, nil
}

// prepareSum makes SumGrad's per-worker engines and gradient buffers.
func (b *Batch) prepareSum(wantD, wantPhi bool) error {
	if b.adj == nil {
		b.adj = make([]*Adjoint, b.workers)
		for w := range b.adj {
			a, err := NewAdjoint(b.p, b.opt)
			if err != nil {
				b.adj = nil
				return err
			}
			b.adj[w] = a
		}
		b.gd = make([][]float64, b.workers)
		b.gp = make([][]float64, b.workers)
	}
	for w := 0; w < b.workers; w++ {
		if wantD && b.gd[w] == nil {
			b.gd[w] = make([]float64, b.p.D.NumParams())
		}
		if wantPhi && b.gp[w] == nil {
			b.gp[w] = make([]float64, b.p.Phi.NumParams())
		}
	}
	return nil
}

// start runs the current call on min(workers, n) workers, the first on the
// calling goroutine, and waits for them.
func (b *Batch) start(n int) {
	nw := min(b.workers, n)
	if nw <= 1 {
		b.work(0)
		return
	}
	b.wg.Add(nw - 1)
	for w := 1; w < nw; w++ {
		go b.run[w]()
	}
	b.work(0)
	b.wg.Wait()
}

// work takes samples in increasing order until none is left.
func (b *Batch) work(w int) {
	for {
		s := int(b.next.Add(1) - 1)
		if s >= b.n {
			return
		}
		stopped := int64(s) > b.stop.Load()
		if !b.sum {
			if stopped {
				return
			}
			if err := b.engines[w].Eval(b.res[s], b.z.RawRowView(s)); err != nil {
				b.errAt[w], b.errs[w] = s, atSample(s, err)
				for cur := b.stop.Load(); int64(s) < cur && !b.stop.CompareAndSwap(cur, int64(s)); cur = b.stop.Load() {
				}
				return // this worker's later samples are all above s
			}
			continue
		}
		if stopped {
			// An earlier sample failed; pass the turn so that the
			// workers holding later samples do not wait for this one.
			b.fold(s, 0, nil, nil, nil)
			return
		}
		var gd, gp []float64
		if b.gradD != nil {
			gd = b.gd[w]
		}
		if b.gradPhi != nil {
			gp = b.gp[w]
		}
		v, err := b.adj[w].SumGrad(gd, gp, b.z.RawRowView(s), b.w)
		if err == nil && b.S != nil {
			copy(b.S.RawRowView(s), b.adj[w].slot[0].S) // rows are the workers' own
		}
		b.fold(s, v, gd, gp, err)
	}
}

// fold adds sample s's contribution once every earlier sample's is in.
// After a failure it only passes the turn on.
func (b *Batch) fold(s int, v float64, gd, gp []float64, err error) {
	b.mu.Lock()
	for b.turn != s {
		b.cond.Wait()
	}
	if b.err == nil {
		if err != nil {
			b.err = atSample(s, err)
			b.stop.Store(int64(s))
		} else {
			b.total += v
			if gd != nil {
				floats.Add(b.gradD, gd)
			}
			if gp != nil {
				floats.Add(b.gradPhi, gp)
			}
		}
	}
	b.turn++
	b.cond.Broadcast()
	b.mu.Unlock()
}

// Stream evaluates the latents in the rows of Z in order and calls emit
// with each index and result, which is owned by the batch and valid only
// during the call, so memory does not grow with the batch. An error from
// emit stops the batch and is returned.
func (b *Batch) Stream(Z *mat.Dense, emit func(s int, res *Result) error) error {
	if b.stack != nil {
		return b.stack.evalBatch(Z, emit)
	}
	n, err := b.checkLatents(Z)
	if err != nil {
		return err
	}
	if b.streamRes == nil {
		b.streamRes = NewResult(b.p, b.opt.Wrt)
	}
	for s := 0; s < n; s++ {
		if err := b.engines[0].Eval(b.streamRes, Z.RawRowView(s)); err != nil {
			return atSample(s, err)
		}
		if err := emit(s, b.streamRes); err != nil {
			return err
		}
	}
	return nil
}

// copyResult copies src into dst, which has the same sizes.
func copyResult(dst, src *Result, wrt Wrt) {
	copy(dst.S, src.S)
	copy(dst.Dot, src.Dot)
	copy(dst.ColNormSq, src.ColNormSq)
	dst.GradNormSq = src.GradNormSq
	if wrt&WrtD != 0 && src.GradD != nil {
		dst.GradD.Copy(src.GradD)
	}
	if wrt&WrtPhi != 0 && src.GradPhi != nil {
		dst.GradPhi.Copy(src.GradPhi)
	}
}

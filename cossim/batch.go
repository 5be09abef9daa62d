package cossim

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/dualgrad/dualgrad/internal/spin"
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
	stack     *stacked // the adjoint's stacked route, or nil for per-sample workers
	sums      *stacked // SumGrad's route: stack, or made on first use
	engines   []Engine
	run       []func() // per-worker goroutine bodies, made once
	streamRes *Result

	// The current Eval, read by the workers.
	z     *mat.Dense
	res   []*Result
	n     int
	next  atomic.Int64
	stop  atomic.Int64 // lowest failing sample so far
	errAt []int        // each worker's first failing sample
	errs  []error
	wg    spin.Group
}

// NewBatch returns a batch evaluator with engines of kind k (KindAuto
// resolved once by ChooseKind) and up to the given number of workers;
// workers ≤ 0 means runtime.GOMAXPROCS(0). An adjoint batch always stacks
// its latents: on every benchmark case, the forum post's 2→4→1 networks
// included, a stacked sweep of 64 latents on one core beats one latent per
// goroutine on two (docs/benchmarks.md). Forward and looped batches run one
// latent per goroutine. A stacked batch's chunks depend on the problem and
// opt only, so results do not depend on the number of workers. The
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
	if k == KindAdjoint {
		st, err := newStacked(p, opt, workers)
		if err != nil {
			return nil, err
		}
		b.stack, b.sums, b.workers = st, st, st.workers
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
	return b, nil
}

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
	b.z, b.res, b.n = Z, res, n
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
// ones; a nil gradient is skipped). It always uses the stacked adjoint
// sweep, whatever the batch's kind, with chunks added in sample order, so
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
	if b.sums == nil { // a forward or looped batch: its sums are the adjoint's
		st, err := newStacked(b.p, b.opt, b.workers)
		if err != nil {
			return 0, err
		}
		b.sums = st
	}
	return b.sums.sumGrad(S, gradD, gradPhi, Z, w)
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
		spin.Go(b.run[w])
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
		if int64(s) > b.stop.Load() {
			return
		}
		if err := b.engines[w].Eval(b.res[s], b.z.RawRowView(s)); err != nil {
			b.errAt[w], b.errs[w] = s, atSample(s, err)
			for cur := b.stop.Load(); int64(s) < cur && !b.stop.CompareAndSwap(cur, int64(s)); cur = b.stop.Load() {
			}
			return // this worker's later samples are all above s
		}
	}
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

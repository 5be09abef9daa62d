package cossim

import (
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/internal/spin"
	"gonum.org/v1/gonum/mat"
)

// stacked runs a Batch's adjoint route: chunks of latents, each one stacked
// sweep (Adjoint.chunkSum, Adjoint.chunkEval), shared out among up to
// `workers` engines of the same problem, a round of chunks at a time. The
// chunks are the ones a single Adjoint would use (their size depends on
// the problem and the budget only), and a round's results are folded or
// emitted in chunk order, so every result is bit-for-bit the single
// engine's, whatever the number of workers.
type stacked struct {
	p       Problem
	opt     Options
	workers int        // the most engines at once
	eng     []*Adjoint // eng[0] is made by NewBatch, the others on first use
	run     []func()   // eng[j]'s body for a round, made once
	errs    []error
	wg      spin.Group

	// The current round, read by run.
	sum            bool
	z              graph.Block
	w              []float64
	gradD, gradPhi []float64
	c0, size       int // the round's first chunk, and latents per chunk
}

func newStacked(p Problem, opt Options, workers int) (*stacked, error) {
	a, err := NewAdjoint(p, opt)
	if err != nil {
		return nil, err
	}
	st := &stacked{p: p, opt: opt, eng: []*Adjoint{a}}
	// Every engine's chunk workspace counts against the one budget.
	per := a.fixed + max(1, a.bytesPerLatent(true, a.chunk > 1)*int64(a.chunk), a.bytesPerLatent(false, a.sumChunk > 1)*int64(a.sumChunk))
	st.workers = int(max(1, min(int64(workers), opt.budget()/per)))
	return st, nil
}

// engines makes the engines of a round of k chunks.
func (st *stacked) engines(k int) error {
	for len(st.eng) < k {
		a, err := NewAdjoint(st.p, st.opt)
		if err != nil {
			return err
		}
		a.chunk, a.sumChunk = st.eng[0].chunk, st.eng[0].sumChunk // equal but for tests that set them
		st.eng = append(st.eng, a)
	}
	for j := len(st.run); j < k; j++ {
		st.run = append(st.run, func() {
			defer st.wg.Done()
			st.body(j)
		})
		st.errs = append(st.errs, nil)
	}
	return nil
}

// body runs chunk c0+j of the current round on engine j.
func (st *stacked) body(j int) {
	lo := (st.c0 + j) * st.size
	nb := min(st.size, st.z.Rows-lo)
	if st.sum {
		a := st.eng[j]
		gd, gp := a.sumSinks(lo == 0, st.gradD, st.gradPhi)
		st.errs[j] = a.chunkSum(st.z, lo, nb, st.w, gd, gp)
	} else {
		st.errs[j] = st.eng[j].chunkEval(st.z, lo, nb)
	}
}

// round runs chunks c0..c0+k at once, chunk c0 on the calling goroutine,
// leaving each one's error in errs.
func (st *stacked) round(c0, k int) {
	st.c0 = c0
	st.wg.Add(k - 1)
	for j := 1; j < k; j++ {
		spin.Go(st.run[j])
	}
	st.wg.Add(1)
	st.run[0]()
	st.wg.Wait()
}

// sumGrad is Adjoint.SumGradBatchInto over the engines.
func (st *stacked) sumGrad(S *mat.Dense, gradD, gradPhi []float64, Z *mat.Dense, w []float64) (float64, error) {
	a := st.eng[0]
	zb, err := a.latents(Z)
	if err != nil {
		return 0, err
	}
	size := balanced(zb.Rows, a.sumChunk)
	nch := (zb.Rows + size - 1) / size
	k := min(st.workers, nch)
	if k <= 1 {
		return a.sumGrad(S, gradD, gradPhi, zb, w)
	}
	if err := st.engines(k); err != nil {
		return 0, err
	}
	if w == nil {
		w = a.ones()
	}
	st.sum, st.z, st.w, st.gradD, st.gradPhi, st.size = true, zb, w, gradD, gradPhi, size
	defer st.release()
	total := 0.0
	for c0 := 0; c0 < nch; c0 += k {
		n := min(k, nch-c0)
		st.round(c0, n)
		for j, e := range st.eng[:n] {
			if st.errs[j] != nil {
				return 0, st.errs[j]
			}
			e.foldSum(&total, S, gradD, gradPhi, (c0+j)*st.size, w, c0+j != 0)
		}
	}
	if err := finiteSum(total, gradD, gradPhi); err != nil {
		return 0, a.explain(err)
	}
	return total, nil
}

// evalBatch is Adjoint.EvalBatch over the engines: a round's chunks are
// evaluated at once, then emitted in order.
func (st *stacked) evalBatch(Z *mat.Dense, emit func(s int, res *Result) error) error {
	a := st.eng[0]
	zb, err := a.latents(Z)
	if err != nil {
		return err
	}
	size := balanced(zb.Rows, a.chunk)
	nch := (zb.Rows + size - 1) / size
	k := min(st.workers, nch)
	if k <= 1 {
		return a.EvalBatch(Z, emit)
	}
	if err := st.engines(k); err != nil {
		return err
	}
	st.sum, st.z, st.size = false, zb, size
	defer st.release()
	for c0 := 0; c0 < nch; c0 += k {
		n := min(k, nch-c0)
		st.round(c0, n)
		for j, e := range st.eng[:n] {
			if st.errs[j] != nil {
				return st.errs[j] // after the earlier chunks' results, as one engine would
			}
			if err := e.emitChunk((c0+j)*st.size, emit); err != nil {
				return err
			}
		}
	}
	return nil
}

// release drops the call's references to the caller's data.
func (st *stacked) release() { st.z, st.w, st.gradD, st.gradPhi = graph.Block{}, nil, nil, nil }

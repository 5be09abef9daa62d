package cossim

import (
	"errors"
	"fmt"
	"math"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/passes"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Adjoint is the reverse-over-forward engine. For a chunk of B latents it
// runs one tangent pass through D carrying the B·m latent directions as the
// rows of every block, one reverse sweep through Φ for the B gradients g,
// the per-sample quotient rule, and then one second-order sweep through Φ
// (forward over reverse, giving Hessian-vector products and ∂s/∂φ) and one
// through D (reverse over forward, giving ∂s/∂θ), with all B·m cotangents
// as rows again. Its cost grows with m and the network sizes, not with the
// number of parameters P, except for writing the m × P result itself. See
// docs/math.md.
//
// The weighted sum Σᵢ wᵢsᵢ needs one cotangent per sample (SumGrad), so a
// training step's gradient over a batch costs about three tangent passes of
// the batch.
//
// Work is split into chunks of latents whose workspace fits
// Options.MaxMemory; results do not depend on the chunking, nor on the
// number of threads the matrix products use, and sums over samples are
// added in sample order. An Adjoint reads the networks' parameters at
// every call, so they may be updated in place between calls. It is not safe
// for concurrent use; after the first call of a given batch size, its
// methods make no allocations.
type Adjoint struct {
	p            Problem
	opt          Options
	m, n, pd, pf int
	dIn, dOut    int   // D's input and output nodes
	fIn, fOut    int   // Φ's
	outSize      int   // elements of Φ's output
	fixed        int64 // bytes of the tapes' shared scratch, whatever the chunk
	dt, ft       *passes.Tape
	chunk        int // latents per chunk for Jacobians (EvalBatch)
	sumChunk     int // latents per chunk for weighted sums (one cotangent row each)

	nb, cap              int // latents in the current chunk, and room for
	z, phiSeed           []float64
	gbar, tau            []float64
	cos                  []*cosines
	slot                 []Result  // per latent of a chunk: views for EvalBatch
	jacD, jacPhi         []float64 // chunk Jacobians, B·m × P
	sumD, sumPhi         []float64 // a chunk's gradients, for SumGrad
	sinkD, sinkPhi       passes.ParamSink
	sumW                 []float64
	sinkRows             int
	sinkDataD, sinkDataF []float64 // where the sinks write, or nil
	strideD, strideF     int
}

// NewAdjoint returns an adjoint engine for p with the options opt. It
// returns a *BudgetError if a single latent's workspace exceeds
// opt.MaxMemory.
func NewAdjoint(p Problem, opt Options) (*Adjoint, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := checkOptions(opt); err != nil {
		return nil, err
	}
	a := &Adjoint{
		p: p, opt: opt, m: p.M(), n: p.N(), pd: p.D.NumParams(), pf: p.Phi.NumParams(),
		dIn: p.D.InputNode(), dOut: p.D.OutputNode(), fIn: p.Phi.InputNode(), fOut: p.Phi.OutputNode(),
		outSize: p.Phi.OutputShape().Size(),
	}
	// One latent at a time, D's identity seed is implicit (never m × m);
	// stacking latents forms it, so a chunk of more than one latent is used
	// only where its blocks fit the budget with room to spare.
	a.fixed = 8 * int64(graph.ScratchFloats(p.D)+graph.ScratchFloats(p.Phi))
	one := a.fixed + a.bytesPerLatent(true, false)
	if one > opt.budget() {
		return nil, &BudgetError{What: "the adjoint engine's workspace for one latent", Need: one, Budget: opt.budget()}
	}
	rest := opt.budget() - a.fixed
	a.chunk, a.sumChunk = stackChunk(a.bytesPerLatent(true, true), rest), stackChunk(a.bytesPerLatent(false, true), rest)
	a.dt, a.ft = passes.NewTape(p.D), passes.NewTape(p.Phi)
	a.dt.NoInputCotangent = true
	a.sinkD = func(k int) graph.Block { return a.sink(p.D, k, a.sinkDataD, a.strideD) }
	a.sinkPhi = func(k int) graph.Block { return a.sink(p.Phi, k, a.sinkDataF, a.strideF) }
	return a, nil
}

// stackChunk returns the latents per chunk for a stacked workspace of
// perLatent bytes per latent: 1 unless the blocks fit the budget with room
// to spare, and at most maxChunk and maxStackBytes.
func stackChunk(perLatent, budget int64) int {
	if 2*perLatent > budget {
		return 1
	}
	return int(max(1, min(int64(maxChunk), budget/perLatent, maxStackBytes/perLatent)))
}

// balanced returns the latents per chunk for B latents and chunks of at
// most limit: the smallest size that keeps the fewest chunks (48 latents
// with a limit of 32 are two chunks of 24, not 32 and 16), so that chunks
// run at once finish together. It depends on B and limit only.
func balanced(B, limit int) int {
	n := (B + limit - 1) / limit
	return (B + n - 1) / n
}

// maxChunk caps the latents stacked in one sweep: beyond it the products
// are large enough that stacking more gains little, and a batch of 64 then
// has chunks for two cores (Batch runs chunks at once). maxStackBytes caps a
// chunk's workspace whatever the budget: when the m × P Jacobian rows
// dominate it, writing them costs the same stacked or not.
const (
	maxChunk      = 32
	maxStackBytes = 512 << 20
)

// graphFloats returns the floats of one row of every op node of g and of
// the op state that the class helpers keep per sample.
func graphFloats(g *graph.Graph) (all, state int64) {
	for i := 0; i < g.Len(); i++ {
		if g.Kind(i) == graph.KindOp {
			s := int64(g.Shape(i).Size())
			all += s
			if g.Kind(i) == graph.KindOp && g.Op(i).Nonlinear() {
				state += 5 * s // the largest per-element state of the class helpers
			}
		}
	}
	return all, state
}

// bytesPerLatent estimates the workspace of one latent: both tapes
// (values, tangents, two cotangents, op state), the cotangents ḡ and τ,
// for full Jacobians in a stacked batch its rows of the chunk Jacobians,
// and, if stacked, D's m × m identity seed.
func (a *Adjoint) bytesPerLatent(full, stacked bool) int64 {
	m := int64(a.m)
	dAll, dState := graphFloats(a.p.D)
	fAll, fState := graphFloats(a.p.Phi)
	rows := m // cotangent rows per latent in Φ and of v in D
	if !full {
		rows = 1
	}
	f := dAll*(1+m+m+rows) + dState + fAll*(2+2*rows) + fState + int64(a.n)*(3*m+1) + 2*m
	if stacked {
		f += m * m
		if full {
			f += m * int64(a.pd+a.pf)
		}
	}
	return 8 * f
}

// sink returns the block of parameter k of g in the current sink buffer.
func (a *Adjoint) sink(g *graph.Graph, k int, data []float64, stride int) graph.Block {
	if data == nil {
		return graph.Block{}
	}
	q := g.Params()[k]
	return graph.Block{Data: data[q.Offset:], Rows: a.sinkRows, Size: q.Shape.Size(), Stride: stride}
}

// prepare sizes the chunk buffers for nb latents. They are allocated once
// for the largest chunk seen and resliced, since an identity seed, the
// one-hot seeds and the slots of a smaller chunk are prefixes of a larger
// one's.
func (a *Adjoint) prepare(nb int) {
	a.nb = nb
	if nb <= a.cap && a.z != nil {
		return
	}
	m, n := a.m, a.n
	a.cap = nb
	a.z = make([]float64, nb*m)
	a.phiSeed = make([]float64, nb*a.outSize)
	for b := 0; b < nb; b++ {
		a.phiSeed[b*a.outSize+a.p.PhiOutput] = 1
	}
	a.gbar = make([]float64, nb*m*n)
	a.tau = make([]float64, nb*m*n)
	a.cos = make([]*cosines, nb)
	for b := range a.cos {
		a.cos[b] = newCosines(m, n)
	}
	a.slot = make([]Result, nb)
	for b := range a.slot {
		a.slot[b] = Result{S: make([]float64, m), Dot: make([]float64, m), ColNormSq: make([]float64, m)}
	}
	a.jacD, a.jacPhi = nil, nil
}

// values runs the first part for the nb latents in a.z: D's values and
// tangents, Φ's values and gradients, and the cosines, writing s and the
// pieces into res(b).
func (a *Adjoint) values(res func(b int) *Result) error {
	nb, m, n := a.nb, a.m, a.n
	a.dt.Forward(graph.MakeBlock(a.z, nb, m))
	a.dt.TangentIdentity()
	a.ft.Forward(graph.MakeBlock(a.dt.Output().Data, nb, n))
	a.ft.Reverse(graph.MakeBlock(a.phiSeed, nb, a.outSize), func(int) graph.Block { return graph.Block{} })
	g := a.ft.W(a.fIn)
	U := a.dt.Tan(a.dOut)
	for b := 0; b < nb; b++ {
		var gb []float64
		if g.Zero() { // Φ's output does not depend on its input
			gb = a.gbar[:n]
			clear(gb)
		} else {
			gb = g.Row(b)
		}
		var ub []float64
		if U.Zero() {
			ub = a.tau[:m*n]
			clear(ub)
		} else {
			ub = U.Data[b*m*n : (b+1)*m*n]
		}
		if err := a.cos[b].eval(res(b), gb, ub, a.opt.Eps); err != nil {
			return a.explain(atSample(b, err))
		}
	}
	return nil
}

// sweep runs the second part: the cotangents ḡ and τ of the nb latents
// (one row per direction; with w non-nil, one ḡ row per latent holding the
// weighted sum), Φ's second-order sweep into the φ sinks and D's into the θ
// sinks. vRows is the rows of the parameter-side cotangents: nb·m for
// Jacobians, nb for a weighted sum.
func (a *Adjoint) sweep(w []float64, wantD, wantPhi bool) {
	nb, m, n := a.nb, a.m, a.n
	g := a.ft.W(a.fIn)
	U := a.dt.Tan(a.dOut)
	rows := nb * m
	if w != nil {
		rows = nb
	}
	gbar := a.gbar[:rows*n]
	clear(gbar)
	if U.Zero() || g.Zero() {
		clear(a.tau[:nb*m*n])
	} else { // grads writes every τ row: no clearing pass over the largest block
		for b := 0; b < nb; b++ {
			for i := 0; i < m; i++ {
				wi, r := 1.0, b*m+i
				if w != nil {
					wi, r = w[i], b
				}
				a.cos[b].grads(gbar[r*n:(r+1)*n], a.tau[(b*m+i)*n:(b*m+i+1)*n], i, wi, U.Row(b*m+i))
			}
		}
	}
	// Φ: the tangent of its reverse sweep in the directions ḡ.
	a.ft.Tangent(graph.MakeBlock(gbar, rows, n))
	sinkPhi := func(int) graph.Block { return graph.Block{} }
	if wantPhi {
		sinkPhi = a.sinkPhi
	}
	a.ft.Reverse2(graph.Block{}, graph.Block{}, false, rows, sinkPhi)
	if !wantD {
		return
	}
	// D: the reverse of its tangent pass, with τ on the tangents and Φ's
	// Hessian-vector products on the values.
	xbar := a.ft.V(a.fIn)
	if xbar.Zero() {
		xbar = graph.Block{}
	}
	a.dt.Reverse2(graph.MakeBlock(a.tau[:nb*m*n], nb*m, n), xbar, true, rows, a.sinkD)
}

// Eval computes s, its pieces and the Jacobians that the engine's Wrt
// selects for the latent z, writing them into res. Jacobians that Wrt does
// not select are left unchanged. It returns an error if z or res does not
// fit, a *RangeError if a result is not finite, and an *UndefinedError if
// a denominator is zero and Eps is not positive.
func (a *Adjoint) Eval(res *Result, z []float64) error {
	if err := a.check(); err != nil {
		return err
	}
	if err := checkLatent(z, a.m); err != nil {
		return err
	}
	if err := checkResult(res, a.m, a.opt.Wrt, a.pd, a.pf); err != nil {
		return err
	}
	a.prepare(1)
	copy(a.z, z)
	if err := a.values(func(int) *Result { return res }); err != nil {
		return err
	}
	wantD, wantPhi := a.wants()
	if !wantD && !wantPhi {
		return nil
	}
	a.sinkRows = a.m
	a.sinkDataD, a.sinkDataF = nil, nil
	if wantD {
		raw := res.GradD.RawMatrix()
		a.sinkDataD, a.strideD = raw.Data, raw.Stride
	}
	if wantPhi {
		raw := res.GradPhi.RawMatrix()
		a.sinkDataF, a.strideF = raw.Data, raw.Stride
	}
	a.sweep(nil, wantD, wantPhi)
	if wantD {
		if err := checkJac("∂s/∂θ", res.GradD); err != nil {
			return a.explain(err)
		}
	}
	if wantPhi {
		return a.explain(checkJac("∂s/∂φ", res.GradPhi))
	}
	return nil
}

func checkJac(q string, j *mat.Dense) error {
	raw := j.RawMatrix()
	return checkMatrix(q, raw.Data, raw.Rows, raw.Cols, raw.Stride)
}

// check is the per-call check of the graphs. Scanning every parameter for
// NaN would cost a pass over P numbers per call (a millisecond on the
// mnist case), so the engine relies on the results instead: a non-finite
// parameter makes some result non-finite, and explain then names it.
func (a *Adjoint) check() error { return nil }

// explain turns a result that is not finite into the error that names its
// cause, a non-finite parameter written after NewAdjoint, if there is one.
func (a *Adjoint) explain(err error) error {
	if err == nil {
		return nil
	}
	return a.explainErr(err)
}

// explainErr is explain's slow path, kept apart so that the common nil case
// makes no allocation for errors.As's target.
func (a *Adjoint) explainErr(err error) error {
	var re *RangeError
	if !errors.As(err, &re) {
		return err
	}
	if e := a.p.D.Validate(); e != nil {
		return fmt.Errorf("cossim: D: %w", e)
	}
	if e := a.p.Phi.Validate(); e != nil {
		return fmt.Errorf("cossim: Φ: %w", e)
	}
	return err
}

// SumGrad returns Σᵢ wᵢsᵢ at z and writes its gradient with respect to θ
// into gradD (length P_D) and with respect to φ into gradPhi (length P_Φ),
// in the graphs' parameter order. w nil means all ones; gradD or gradPhi
// nil skips that gradient. It needs a single cotangent per latent,
// costing about three tangent passes however many parameters there are;
// the engine's Wrt is ignored. Errors are as for Eval, and for weights of
// the wrong length or not finite.
func (a *Adjoint) SumGrad(gradD, gradPhi, z, w []float64) (float64, error) {
	if err := checkLatent(z, a.m); err != nil {
		return 0, err
	}
	return a.sumGrad(nil, gradD, gradPhi, graph.MakeBlock(z, 1, a.m), w)
}

// SumGradBatch is SumGrad summed over the latents in the rows of Z:
// Σ_b Σᵢ wᵢ sᵢ(z_b) and its gradients, from one stacked sweep per chunk of
// latents, added in sample order.
func (a *Adjoint) SumGradBatch(gradD, gradPhi []float64, Z *mat.Dense, w []float64) (float64, error) {
	return a.SumGradBatchInto(nil, gradD, gradPhi, Z, w)
}

// SumGradBatchInto is SumGradBatch that also writes each latent's sᵢ into
// row b of S (B × m), unless S is nil: what a training step reports
// alongside its gradient, from the same sweep.
func (a *Adjoint) SumGradBatchInto(S *mat.Dense, gradD, gradPhi []float64, Z *mat.Dense, w []float64) (float64, error) {
	zb, err := a.latents(Z)
	if err != nil {
		return 0, err
	}
	if S != nil {
		if r, c := S.Dims(); r != zb.Rows || c != a.m {
			return 0, fmt.Errorf("cossim: S is %d × %d, want %d × %d (latents × m)", r, c, zb.Rows, a.m)
		}
	}
	return a.sumGrad(S, gradD, gradPhi, zb, w)
}

// latents checks the rows of Z and returns them as a block.
func (a *Adjoint) latents(Z *mat.Dense) (graph.Block, error) {
	if Z == nil || Z.IsEmpty() {
		return graph.Block{}, fmt.Errorf("cossim: no latents")
	}
	r, c := Z.Dims()
	if c != a.m {
		return graph.Block{}, fmt.Errorf("cossim: latents have %d columns, want m = %d", c, a.m)
	}
	raw := Z.RawMatrix()
	zb := graph.Block{Data: raw.Data, Rows: r, Size: c, Stride: raw.Stride}
	for s := 0; s < r; s++ {
		if err := checkLatent(zb.Row(s), a.m); err != nil {
			return graph.Block{}, &SampleError{Sample: s, Err: err}
		}
	}
	return zb, nil
}

func (a *Adjoint) sumGrad(S *mat.Dense, gradD, gradPhi []float64, Z graph.Block, w []float64) (float64, error) {
	if err := a.check(); err != nil {
		return 0, err
	}
	if err := checkSumArgs(gradD, gradPhi, w, a.m, a.pd, a.pf); err != nil {
		return 0, err
	}
	if w == nil {
		w = a.ones()
	}
	total := 0.0
	size := balanced(Z.Rows, a.sumChunk)
	for lo := 0; lo < Z.Rows; lo += size {
		nb := min(size, Z.Rows-lo)
		gd, gp := a.sumSinks(lo == 0, gradD, gradPhi)
		if err := a.chunkSum(Z, lo, nb, w, gd, gp); err != nil {
			return 0, err
		}
		a.foldSum(&total, S, gradD, gradPhi, lo, w, lo != 0)
	}
	if err := finiteSum(total, gradD, gradPhi); err != nil {
		return 0, a.explain(err)
	}
	return total, nil
}

// sumSinks returns where a chunk's gradients go: for the first chunk
// straight into the caller's gradD and gradPhi, for the others into the
// engine's own buffers, which foldSum adds. A nil gradient stays nil.
func (a *Adjoint) sumSinks(first bool, gradD, gradPhi []float64) (gd, gp []float64) {
	if first {
		// Cleared here too: the tape clears only the sinks of parameters
		// the output depends on.
		clear(gradD)
		clear(gradPhi)
		return gradD, gradPhi
	}
	if gradD != nil {
		if a.sumD == nil {
			a.sumD = make([]float64, a.pd)
		}
		gd = a.sumD
	}
	if gradPhi != nil {
		if a.sumPhi == nil {
			a.sumPhi = make([]float64, a.pf)
		}
		gp = a.sumPhi
	}
	return gd, gp
}

// chunkSum runs the latents lo..lo+nb of Z through one stacked weighted
// sweep, leaving their s in the slots and writing the chunk's gradients
// into gd and gp (nil: not wanted). Chunks are independent, so engines of
// one problem may run different chunks at once.
func (a *Adjoint) chunkSum(Z graph.Block, lo, nb int, w []float64, gd, gp []float64) error {
	wantD, wantPhi := gd != nil && a.pd > 0, gp != nil && a.pf > 0
	a.prepare(nb)
	for b := 0; b < nb; b++ {
		copy(a.z[b*a.m:], Z.Row(lo+b))
	}
	if err := a.values(func(b int) *Result { return &a.slot[b] }); err != nil {
		return shift(err, lo)
	}
	if !wantD && !wantPhi {
		return nil
	}
	a.sinkRows, a.strideD, a.strideF = 1, a.pd, a.pf
	a.sinkDataD, a.sinkDataF = nil, nil
	if wantD {
		a.sinkDataD = gd
	}
	if wantPhi {
		a.sinkDataF = gp
	}
	a.sweep(w, wantD, wantPhi)
	return nil
}

// foldSum adds the last chunkSum's results, the chunk starting at latent
// lo, to the running sums in sample order: Σ wᵢsᵢ into total, each s into
// S (unless nil), and, with add, the engine's gradient buffers into gradD
// and gradPhi (the first chunk wrote them directly).
func (a *Adjoint) foldSum(total *float64, S *mat.Dense, gradD, gradPhi []float64, lo int, w []float64, add bool) {
	// A local sum, not *total: a store and a load per term.
	t := *total
	w = w[:a.m]
	for b := 0; b < a.nb; b++ {
		s := a.slot[b].S[:a.m]
		for i, v := range s {
			t += w[i] * v
		}
		if S != nil {
			copy(S.RawRowView(lo+b), s)
		}
	}
	*total = t
	if add && gradD != nil {
		floats.Add(gradD, a.sumD)
	}
	if add && gradPhi != nil {
		floats.Add(gradPhi, a.sumPhi)
	}
}

// ones returns m weights of 1.
func (a *Adjoint) ones() []float64 {
	if len(a.sumW) != a.m {
		a.sumW = make([]float64, a.m)
		for i := range a.sumW {
			a.sumW[i] = 1
		}
	}
	return a.sumW
}

// finiteSum reports an overflow of the weighted sum or its gradients.
func finiteSum(total float64, gradD, gradPhi []float64) error {
	if math.IsNaN(total) || math.IsInf(total, 0) {
		return &RangeError{Quantity: "Σ wᵢsᵢ", Direction: -1, Value: total}
	}
	for _, g := range [...]struct {
		q string
		v []float64
	}{{"∇_θ Σ wᵢsᵢ", gradD}, {"∇_φ Σ wᵢsᵢ", gradPhi}} {
		if v, bad := nonFinite(g.v); bad {
			return &RangeError{Quantity: g.q, Direction: -1, Value: v}
		}
	}
	return nil
}

// shift adds lo to the sample an error names.
func shift(err error, lo int) error {
	var ue *UndefinedError
	var re *RangeError
	var se *SampleError
	switch {
	case errors.As(err, &ue):
		e := *ue
		e.Sample += lo
		return &e
	case errors.As(err, &re):
		e := *re
		e.Sample += lo
		return &e
	case errors.As(err, &se):
		e := *se
		e.Sample += lo
		return &e
	}
	return err
}

// EvalBatch evaluates the latents in the rows of Z, one stacked sweep per
// chunk, and calls emit with each latent's index and result, in order. The
// result and its Jacobians are views of the engine's workspace, valid only
// during the call: emit copies what it keeps, so memory does not grow with
// the batch. An error from emit stops the batch and is returned.
func (a *Adjoint) EvalBatch(Z *mat.Dense, emit func(s int, res *Result) error) error {
	if err := a.check(); err != nil {
		return err
	}
	zb, err := a.latents(Z)
	if err != nil {
		return err
	}
	size := balanced(zb.Rows, a.chunk)
	for lo := 0; lo < zb.Rows; lo += size {
		nb := min(size, zb.Rows-lo)
		if err := a.chunkEval(zb, lo, nb); err != nil {
			return err
		}
		if err := a.emitChunk(lo, emit); err != nil {
			return err
		}
	}
	return nil
}

// wants reports which Jacobians the engine's Wrt selects and exist.
func (a *Adjoint) wants() (d, phi bool) {
	return a.opt.Wrt&WrtD != 0 && a.pd > 0, a.opt.Wrt&WrtPhi != 0 && a.pf > 0
}

// chunkEval evaluates the latents lo..lo+nb of Z in one stacked sweep into
// the slots, for emitChunk.
func (a *Adjoint) chunkEval(Z graph.Block, lo, nb int) error {
	wantD, wantPhi := a.wants()
	a.prepare(nb)
	a.prepareJac(wantD, wantPhi)
	for b := 0; b < nb; b++ {
		copy(a.z[b*a.m:], Z.Row(lo+b))
	}
	if err := a.values(func(b int) *Result { return &a.slot[b] }); err != nil {
		return shift(err, lo)
	}
	if wantD || wantPhi {
		a.sinkRows, a.strideD, a.strideF = nb*a.m, a.pd, a.pf
		a.sinkDataD, a.sinkDataF = a.jacD, a.jacPhi
		a.sweep(nil, wantD, wantPhi)
	}
	return nil
}

// emitChunk checks the last chunkEval's results, the chunk starting at
// latent lo, and passes them to emit in order.
func (a *Adjoint) emitChunk(lo int, emit func(s int, res *Result) error) error {
	wantD, wantPhi := a.wants()
	for b := 0; b < a.nb; b++ {
		r := &a.slot[b]
		if wantD {
			if err := checkJac("∂s/∂θ", r.GradD); err != nil {
				return a.explain(shift(err, lo+b))
			}
		}
		if wantPhi {
			if err := checkJac("∂s/∂φ", r.GradPhi); err != nil {
				return a.explain(shift(err, lo+b))
			}
		}
		if err := emit(lo+b, r); err != nil {
			return err
		}
	}
	return nil
}

// prepareJac sizes the chunk Jacobians and points each slot's at its rows.
func (a *Adjoint) prepareJac(wantD, wantPhi bool) {
	m := a.m
	if wantD && len(a.jacD) < a.nb*m*a.pd {
		a.jacD = make([]float64, a.cap*m*a.pd)
		for b := range a.slot {
			a.slot[b].GradD = mat.NewDense(m, a.pd, a.jacD[b*m*a.pd:(b+1)*m*a.pd])
		}
	}
	if wantPhi && len(a.jacPhi) < a.nb*m*a.pf {
		a.jacPhi = make([]float64, a.cap*m*a.pf)
		for b := range a.slot {
			a.slot[b].GradPhi = mat.NewDense(m, a.pf, a.jacPhi[b*m*a.pf:(b+1)*m*a.pf])
		}
	}
}

package cossim

import (
	"runtime"
	"sync"

	"github.com/dualgrad/dualgrad/internal/blasimpl"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Adjoint is the reverse-over-forward engine. It runs one tangent pass
// through D carrying the m latent directions as the rows of a block, one
// reverse sweep through Φ for g, and then sweeps cotangents back: through
// the quotient rule, through Φ's backward sweep on dual numbers
// (forward-over-reverse, giving Hessian-vector products) and through D's
// tangent pass (reverse-over-forward, which needs σ″). Its cost grows with m
// and the network widths, not with the number of parameters P, except for
// writing the m × P result itself. See docs/math.md.
//
// For the full Jacobian the m cotangents travel together as the rows of one
// block, so every step is one matrix product per layer for all of them.
// SumGrad needs a single cotangent and costs about three tangent passes.
//
// Large matrix products and Jacobian writes are split across goroutines
// (see SetThreads), without changing the results. Products go through blas64
// when it has been pointed at another implementation such as OpenBLAS.
//
// An Adjoint reads the networks' weights at every call, so parameters may be
// updated in place (layers.Network.SetParams) between calls; their shapes
// must not change. It is not safe for concurrent use. After the first call,
// Eval and SumGrad make no allocations.
type Adjoint struct {
	engine

	// D, layers l = 1..L; index 0 is the input block.
	dOff []int       // parameter offset of layer l (index l-1)
	pre  [][]float64 // (m+1) × n_l: rows 0..m-1 = A_lᵀ, row m = a_l
	post [][]float64 // (m+1) × n_l: rows 0..m-1 = T_lᵀ, row m = h_l; post[0] = [I; zᵀ]
	d1   [][]float64 // σ′_l(a_l)
	d2   [][]float64 // σ″_l(a_l)
	rev  [][]float64 // 2m × n_l: [Āᵀ; āᵀ] (full) or (m+1) × n_l: [Āᵀ; ā] (SumGrad)
	cot  [][]float64 // 2m × n_l: [τᵀ; H̄ᵀ] (full) or (m+1) × n_l: [T̄ᵀ; h̄] (SumGrad)

	// Φ, layers k = 1..K; index 0 is the input x.
	fOff  []int
	y     [][]float64 // y_k (ν_k); y[0] aliases x = post[L] row m
	f1    [][]float64 // ψ′_k
	f2    [][]float64 // ψ″_k
	da    [][]float64 // δα_k
	dy    [][]float64 // δy_k; dy[0] = g
	ydot  [][]float64 // m × ν_k: Ẏ_k, tangent of y_k (k < K); ydot[0] = Ḡ
	adot  [][]float64 // m × ν_k: Ȧ_k
	dadot [][]float64 // m × ν_k: δα̇_k
	dydot [][]float64 // m × ν_k: δẏ_k (k < K); dydot[0] aliases cot[L] rows m..

	ac, bg, bu []float64 // ∂sᵢ/∂cᵢ, ∂sᵢ/∂G, ∂sᵢ/∂Uᵢ
	c, u2      []float64 // cᵢ, Uᵢ
	g2         float64   // G
	s          []float64 // sᵢ, for SumGrad

	threads int
	runs    []func() // runs[w] executes part w of job; made by SetThreads
	wg      sync.WaitGroup
	job     adjJob
}

// NewAdjoint returns an adjoint engine for p with the options opt. Only
// opt.Wrt, which Jacobians Eval computes, and opt.Eps are used.
func NewAdjoint(p Problem, opt Options) (*Adjoint, error) {
	base, err := newEngine(p, opt)
	if err != nil {
		return nil, err
	}
	m := base.m
	a := &Adjoint{engine: base}
	L, K := len(p.D.Layers), len(p.Phi.Layers)
	rows := max(2*m, m+1)

	a.pre = make([][]float64, L+1)
	a.post = make([][]float64, L+1)
	a.d1 = make([][]float64, L+1)
	a.d2 = make([][]float64, L+1)
	a.rev = make([][]float64, L+1)
	a.cot = make([][]float64, L+1)
	a.dOff = make([]int, L)
	a.post[0] = make([]float64, (m+1)*m)
	for i := 0; i < m; i++ {
		a.post[0][i*m+i] = 1 // T₀ = I, never overwritten
	}
	for l := 1; l <= L; l++ {
		n := p.D.Layers[l-1].Out()
		a.dOff[l-1] = p.D.ParamOffset(l - 1)
		a.pre[l] = make([]float64, (m+1)*n)
		a.post[l] = make([]float64, (m+1)*n)
		a.d1[l] = make([]float64, n)
		a.d2[l] = make([]float64, n)
		a.rev[l] = make([]float64, rows*n)
		a.cot[l] = make([]float64, rows*n)
	}

	n := p.N()
	a.fOff = make([]int, K)
	a.y = make([][]float64, K+1)
	a.f1 = make([][]float64, K+1)
	a.f2 = make([][]float64, K+1)
	a.da = make([][]float64, K+1)
	a.dy = make([][]float64, K+1)
	a.ydot = make([][]float64, K+1)
	a.adot = make([][]float64, K+1)
	a.dadot = make([][]float64, K+1)
	a.dydot = make([][]float64, K+1)
	a.y[0] = a.post[L][m*n : (m+1)*n]
	a.dy[0] = make([]float64, n)
	a.ydot[0] = make([]float64, m*n)
	a.dydot[0] = a.cot[L][m*n : 2*m*n]
	for k := 1; k <= K; k++ {
		nu := p.Phi.Layers[k-1].Out()
		a.fOff[k-1] = p.Phi.ParamOffset(k - 1)
		a.y[k] = make([]float64, nu)
		a.f1[k] = make([]float64, nu)
		a.f2[k] = make([]float64, nu)
		a.da[k] = make([]float64, nu)
		a.dy[k] = make([]float64, nu)
		a.ydot[k] = make([]float64, m*nu)
		a.adot[k] = make([]float64, m*nu)
		a.dadot[k] = make([]float64, m*nu)
		a.dydot[k] = make([]float64, m*nu)
	}
	a.ac = make([]float64, m)
	a.bg = make([]float64, m)
	a.bu = make([]float64, m)
	a.c = make([]float64, m)
	a.u2 = make([]float64, m)
	a.s = make([]float64, m)
	a.SetThreads(0)
	return a, nil
}

// Eval computes s, its pieces and the Jacobians that the engine's Wrt
// selects, writing them into res. Jacobians that Wrt does not select are
// left unchanged. It returns an error if z has the wrong length or a
// non-finite entry, if res does not fit, if a network's shapes changed
// since NewAdjoint or a piece of s is not finite, and an *UndefinedError if
// a denominator is zero and Eps is not positive; the pieces Dot, GradNormSq
// and ColNormSq are still written in the last two cases.
func (a *Adjoint) Eval(res *Result, z []float64) error {
	if err := a.checkEval(res, z); err != nil {
		return err
	}
	a.values(z)
	copy(res.Dot, a.c)
	copy(res.ColNormSq, a.u2)
	res.GradNormSq = a.g2
	if err := checkFinite(a.g2, a.u2); err != nil {
		return err
	}
	if err := checkDefined(a.g2, a.u2, a.opt.Eps); err != nil {
		return err
	}
	a.coefficients(res.S)
	wrt := a.opt.Wrt
	if wrt&(WrtD|WrtPhi) == 0 {
		return nil
	}

	// Cotangents of the m outputs, one row each: Ḡ row i = ḡ⁽ⁱ⁾ and, for D,
	// τ_L row i = vᵢ, the only nonzero column of J̄⁽ⁱ⁾.
	m, L := a.m, len(a.p.D.Layers)
	n := a.p.N()
	uT := a.post[L][:m*n]
	g := a.dy[0]
	gbar := a.ydot[0]
	for i := 0; i < m; i++ {
		adjAxpby(gbar[i*n:(i+1)*n], a.ac[i], uT[i*n:(i+1)*n], 2*a.bg[i], g)
	}
	if wrt&WrtD != 0 {
		tau := a.cot[L]
		for i := 0; i < m; i++ {
			adjAxpby(tau[i*n:(i+1)*n], a.ac[i], g, 2*a.bu[i], uT[i*n:(i+1)*n])
		}
	}
	a.phiHVP(m, res, wrt&WrtD != 0)
	if wrt&WrtD != 0 {
		a.dReverseFull(res)
	}
	return nil
}

// values runs the forward part: D's tangent pass, Φ's value and reverse
// sweep, then c = Jᵀg, G = |g|² and Uᵢ = |uᵢ|². z must have length m.
func (a *Adjoint) values(z []float64) {
	m := a.m
	copy(a.post[0][m*m:], z)

	// D: [A_lᵀ; a_lᵀ] = [T_{l−1}ᵀ; h_{l−1}ᵀ] W_lᵀ + [0; b_lᵀ], one product
	// for the m directions and the value together.
	for l := 1; l <= len(a.p.D.Layers); l++ {
		ly := &a.p.D.Layers[l-1]
		w := ly.W.RawMatrix()
		nout, nin := w.Rows, w.Cols
		pre, post := a.pre[l], a.post[l]
		a.gemm(adjNT, m+1, nout, nin, a.post[l-1], nin, w.Data, w.Stride, pre, nout)
		av, hv := pre[m*nout:], post[m*nout:]
		d1, d2 := a.d1[l], a.d2[l]
		for r, b := range ly.B {
			av[r] += b
			hv[r], d1[r], d2[r] = ly.Act.Eval(av[r])
		}
		for i := 0; i < m; i++ {
			floats.MulTo(post[i*nout:(i+1)*nout], d1, pre[i*nout:(i+1)*nout])
		}
	}

	// Φ: values, then δy_K = 1 and the reverse sweep to g = δy₀.
	K := len(a.p.Phi.Layers)
	for k := 1; k <= K; k++ {
		ly := &a.p.Phi.Layers[k-1]
		v := ly.W.RawMatrix()
		a.gemm(adjNT, 1, v.Rows, v.Cols, a.y[k-1], v.Cols, v.Data, v.Stride, a.y[k], v.Rows)
		yk, f1, f2 := a.y[k], a.f1[k], a.f2[k]
		for r, b := range ly.B {
			yk[r], f1[r], f2[r] = ly.Act.Eval(yk[r] + b)
		}
	}
	a.dy[K][0] = 1
	for k := K; k >= 1; k-- {
		v := a.p.Phi.Layers[k-1].W.RawMatrix()
		floats.MulTo(a.da[k], a.f1[k], a.dy[k])
		a.gemm(adjNN, 1, v.Cols, v.Rows, a.da[k], v.Rows, v.Data, v.Stride, a.dy[k-1], v.Cols)
	}

	n := a.p.N()
	g := a.dy[0]
	uT := a.post[len(a.p.D.Layers)]
	a.g2 = floats.Dot(g, g)
	for i := 0; i < m; i++ {
		u := uT[i*n : (i+1)*n]
		a.c[i] = floats.Dot(u, g)
		a.u2[i] = floats.Dot(u, u)
	}
}

// coefficients writes sᵢ into s and the partial derivatives of sᵢ with
// respect to cᵢ, G and Uᵢ into a.ac, a.bg and a.bu.
func (a *Adjoint) coefficients(s []float64) {
	for i := range a.c {
		c, u := a.c[i], a.u2[i]
		q := a.g2*u + a.opt.Eps
		s[i] = c * c / q
		a.ac[i] = 2 * c / q
		b := c * c / (q * q)
		a.bg[i] = -b * u
		a.bu[i] = -b * a.g2
	}
}

// phiHVP sweeps the cotangent rows Ḡ = ydot[0] (rows rows of it) through g
// = ∇Φ(x; φ) by forward-over-reverse: Φ's tangent pass with tangents Ḡ,
// then its reverse sweep on dual numbers. With res non-nil and WrtPhi
// selected, row i of ∂s/∂φ is written into res.GradPhi; with wantX, the
// cotangent of x, H_Φ Ḡ row by row, is left in dydot[0].
func (a *Adjoint) phiHVP(rows int, res *Result, wantX bool) {
	K := len(a.p.Phi.Layers)
	for k := 1; k <= K; k++ {
		v := a.p.Phi.Layers[k-1].W.RawMatrix()
		nu := v.Rows
		a.gemm(adjNT, rows, nu, v.Cols, a.ydot[k-1], v.Cols, v.Data, v.Stride, a.adot[k], nu)
		if k < K {
			for i := 0; i < rows; i++ {
				floats.MulTo(a.ydot[k][i*nu:(i+1)*nu], a.f1[k], a.adot[k][i*nu:(i+1)*nu])
			}
		}
	}
	wantPhi := res != nil && a.opt.Wrt&WrtPhi != 0
	for k := K; k >= 1; k-- {
		v := a.p.Phi.Layers[k-1].W.RawMatrix()
		nu, nin := v.Rows, v.Cols
		f1, f2, dyk := a.f1[k], a.f2[k], a.dy[k]
		for i := 0; i < rows; i++ {
			dad := a.dadot[k][i*nu : (i+1)*nu]
			ad := a.adot[k][i*nu : (i+1)*nu]
			if k < K {
				dyd := a.dydot[k][i*nu : (i+1)*nu]
				for r := range dad {
					dad[r] = f2[r]*ad[r]*dyk[r] + f1[r]*dyd[r]
				}
			} else {
				for r := range dad {
					dad[r] = f2[r] * ad[r] * dyk[r]
				}
			}
		}
		if wantPhi {
			a.run(adjJob{op: adjWritePhi, n: rows, l: k, dst: res.GradPhi}, rows*(nu*nin+nu))
		}
		if k > 1 || wantX {
			a.gemm(adjNN, rows, nin, nu, a.dadot[k], nu, v.Data, v.Stride, a.dydot[k-1], nin)
		}
	}
}

// dReverseFull sweeps the m cotangent rows [τ_Lᵀ; H̄_Lᵀ] in cot[L] back
// through D's tangent pass and writes ∂s/∂θ into res.GradD, two outer
// products per row and layer.
func (a *Adjoint) dReverseFull(res *Result) {
	m := a.m
	for l := len(a.p.D.Layers); l >= 1; l-- {
		w := a.p.D.Layers[l-1].W.RawMatrix()
		nout, nin := w.Rows, w.Cols
		d1, d2, pre := a.d1[l], a.d2[l], a.pre[l]
		cot, rev := a.cot[l], a.rev[l]
		for i := 0; i < m; i++ {
			tau := cot[i*nout : (i+1)*nout]
			hb := cot[(m+i)*nout : (m+i+1)*nout]
			ab := rev[i*nout : (i+1)*nout]
			aab := rev[(m+i)*nout : (m+i+1)*nout]
			at := pre[i*nout : (i+1)*nout]
			for r := range ab {
				ab[r] = d1[r] * tau[r]
				aab[r] = d2[r]*tau[r]*at[r] + d1[r]*hb[r]
			}
		}
		a.run(adjJob{op: adjWriteD, n: m, l: l, dst: res.GradD}, m*(nout*nin+nout))
		if l > 1 {
			a.gemm(adjNN, 2*m, nin, nout, rev, nout, w.Data, w.Stride, a.cot[l-1], nin)
		}
	}
}

// SumGrad returns Σᵢ wᵢsᵢ at z and writes its gradient with respect to θ
// into gradD (length P_D) and with respect to φ into gradPhi (length P_Φ),
// in PyTorch order. w nil means all ones; gradD or gradPhi nil skips that
// gradient. It uses a single cotangent, costing about three tangent passes
// however many parameters there are; the engine's Wrt is ignored. Errors
// are as for Eval, and for weights of the wrong length or not finite.
func (a *Adjoint) SumGrad(gradD, gradPhi, z, w []float64) (float64, error) {
	m := a.m
	if err := a.shape.check(); err != nil {
		return 0, err
	}
	if err := checkSumArgs(gradD, gradPhi, w, m, a.pd, a.pf); err != nil {
		return 0, err
	}
	if err := checkLatent(z, m); err != nil {
		return 0, err
	}
	a.values(z)
	if err := checkFinite(a.g2, a.u2); err != nil {
		return 0, err
	}
	if err := checkDefined(a.g2, a.u2, a.opt.Eps); err != nil {
		return 0, err
	}
	a.coefficients(a.s)
	sum := 0.0
	for i, v := range a.s {
		if w != nil {
			v *= w[i]
		}
		sum += v
	}
	if gradD == nil && gradPhi == nil {
		return sum, nil
	}
	// Fold the weights into the coefficients: the single cotangent is
	// Σᵢ wᵢ × (row i's cotangent).
	if w != nil {
		floats.Mul(a.ac, w)
		floats.Mul(a.bg, w)
		floats.Mul(a.bu, w)
	}
	L := len(a.p.D.Layers)
	n := a.p.N()
	uT := a.post[L][:m*n]
	g := a.dy[0]
	gbar := a.ydot[0][:n]
	floats.ScaleTo(gbar, 2*floats.Sum(a.bg), g)
	for i := 0; i < m; i++ {
		floats.AddScaled(gbar, a.ac[i], uT[i*n:(i+1)*n])
	}
	if gradD != nil {
		tau := a.cot[L]
		for i := 0; i < m; i++ {
			adjAxpby(tau[i*n:(i+1)*n], a.ac[i], g, 2*a.bu[i], uT[i*n:(i+1)*n])
		}
	}
	a.phiHVP(1, nil, gradD != nil)
	if gradPhi != nil {
		a.phiGradSingle(gradPhi)
	}
	if gradD != nil {
		a.dReverseSingle(gradD)
	}
	return sum, nil
}

// phiGradSingle writes ∂/∂φ for the single cotangent left by phiHVP(1, …).
func (a *Adjoint) phiGradSingle(grad []float64) {
	for k := 1; k <= len(a.p.Phi.Layers); k++ {
		v := a.p.Phi.Layers[k-1].W.RawMatrix()
		nu, nin := v.Rows, v.Cols
		off := a.fOff[k-1]
		dst := grad[off : off+nu*nin+nu]
		dad, yin, da, yd := a.dadot[k][:nu], a.y[k-1], a.da[k], a.ydot[k-1][:nin]
		for r, x := range dad {
			adjAxpby(dst[r*nin:(r+1)*nin], x, yin, da[r], yd)
		}
		copy(dst[nu*nin:], dad)
	}
}

// dReverseSingle sweeps the single cotangent [T̄_Lᵀ; h̄_Lᵀ] in cot[L] (m+1
// rows; h̄_L was left there by phiHVP) back through D and writes ∂/∂θ into
// grad: ∂W_l = Ā_l T_{l−1}ᵀ + ā_l h_{l−1}ᵀ, one product of the stacked
// [Āᵀ; āᵀ] with [T_{l−1}ᵀ; h_{l−1}ᵀ].
func (a *Adjoint) dReverseSingle(grad []float64) {
	m := a.m
	for l := len(a.p.D.Layers); l >= 1; l-- {
		w := a.p.D.Layers[l-1].W.RawMatrix()
		nout, nin := w.Rows, w.Cols
		d1, d2, pre := a.d1[l], a.d2[l], a.pre[l]
		cot, rev := a.cot[l], a.rev[l]
		aab := rev[m*nout : (m+1)*nout]
		for r := range aab {
			aab[r] = 0
		}
		for i := 0; i < m; i++ {
			tau := cot[i*nout : (i+1)*nout]
			ab := rev[i*nout : (i+1)*nout]
			at := pre[i*nout : (i+1)*nout]
			for r, t := range tau {
				ab[r] = d1[r] * t
				aab[r] += t * at[r]
			}
		}
		hb := cot[m*nout : (m+1)*nout]
		for r := range aab {
			aab[r] = d2[r]*aab[r] + d1[r]*hb[r]
		}
		off := a.dOff[l-1]
		dst := grad[off : off+nout*nin+nout]
		a.gemm(adjTN, nout, nin, m+1, rev, nout, a.post[l-1], nin, dst, nin)
		copy(dst[nout*nin:], aab)
		if l > 1 {
			a.gemm(adjNN, m+1, nin, nout, rev, nout, w.Data, w.Stride, a.cot[l-1], nin)
		}
	}
}

// writeD writes rows lo..hi−1 of ∂s/∂W_l and ∂s/∂b_l into dst (GradD):
// row i of ∂s/∂W_l = Ā[i] ⊗ T_{l−1}[i] + ā[i] ⊗ h_{l−1}, ∂s/∂b_l = ā[i].
func (a *Adjoint) writeD(l, lo, hi int, dst *mat.Dense) {
	m := a.m
	w := a.p.D.Layers[l-1].W
	nout, nin := w.Dims()
	off, in, rev := a.dOff[l-1], a.post[l-1], a.rev[l]
	h := in[m*nin : (m+1)*nin]
	for i := lo; i < hi; i++ {
		row := dst.RawRowView(i)[off : off+nout*nin+nout]
		t := in[i*nin : (i+1)*nin]
		ab := rev[i*nout : (i+1)*nout]
		aab := rev[(m+i)*nout : (m+i+1)*nout]
		for r, x := range ab {
			adjAxpby(row[r*nin:(r+1)*nin], x, t, aab[r], h)
		}
		copy(row[nout*nin:], aab)
	}
}

// writePhi writes rows lo..hi−1 of ∂s/∂V_k and ∂s/∂β_k into dst (GradPhi):
// row i of ∂s/∂V_k = δα̇_k[i] ⊗ y_{k−1} + δα_k ⊗ Ẏ_{k−1}[i], ∂s/∂β_k = δα̇_k[i].
func (a *Adjoint) writePhi(k, lo, hi int, dst *mat.Dense) {
	v := a.p.Phi.Layers[k-1].W
	nu, nin := v.Dims()
	off, yin, da := a.fOff[k-1], a.y[k-1], a.da[k]
	for i := lo; i < hi; i++ {
		row := dst.RawRowView(i)[off : off+nu*nin+nu]
		dad := a.dadot[k][i*nu : (i+1)*nu]
		yd := a.ydot[k-1][i*nin : (i+1)*nin]
		for r, x := range dad {
			adjAxpby(row[r*nin:(r+1)*nin], x, yin, da[r], yd)
		}
		copy(row[nu*nin:], dad)
	}
}

// SetThreads sets the number of goroutines that one Eval or SumGrad call
// splits its large matrix products and Jacobian writes across; n ≤ 0 means
// runtime.GOMAXPROCS(0), the default. Results do not depend on it: every
// element is computed by the same operations in the same order whichever
// goroutine computes it. Batch sets it to 1 for its engines, which already
// run in parallel.
func (a *Adjoint) SetThreads(n int) {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	a.threads = n
	a.runs = make([]func(), n)
	for w := 1; w < n; w++ {
		a.runs[w] = func() {
			defer a.wg.Done()
			a.part(w)
		}
	}
}

// adjParMin is the least work, in multiply-adds or elements written, that
// is split across goroutines; smaller steps run on the caller. On the
// 2-core benchmark machine, 2¹⁹ beat 2¹⁵ and 2¹⁷ on the medium and large
// cases (bench/, BenchmarkCossim and BenchmarkCossimSumGrad): below it the
// goroutine hand-off costs more than the split saves. It is a variable only
// so that tests can force the split on small problems.
var adjParMin = 1 << 19

// adjOp is a step that Adjoint.run can split.
type adjOp int

const (
	adjNT       adjOp = iota // C = A·Bᵀ, split over C's columns
	adjNN                    // C = A·B, split over C's columns
	adjTN                    // C = Aᵀ·B, split over C's rows
	adjWriteD                // writeD, split over Jacobian rows
	adjWritePhi              // writePhi, split over Jacobian rows
)

// adjJob is one step and its operands; [0, n) is the range that is split.
type adjJob struct {
	op            adjOp
	n, parts      int
	M, N, K       int
	A, B, C       []float64
	lda, ldb, ldc int
	l             int        // layer, for the writes
	dst           *mat.Dense // Jacobian, for the writes
}

// run executes job, split across the engine's threads if work is large
// enough, and returns when it is done.
func (a *Adjoint) run(job adjJob, work int) {
	job.parts = 1
	if work >= adjParMin {
		job.parts = min(a.threads, job.n)
	}
	if job.parts == 1 {
		switch job.op { // the common small case, without the copy into a.job
		case adjWriteD:
			a.writeD(job.l, 0, job.n, job.dst)
			return
		case adjWritePhi:
			a.writePhi(job.l, 0, job.n, job.dst)
			return
		}
	}
	a.job = job
	if job.parts > 1 {
		a.wg.Add(job.parts - 1)
		for w := 1; w < job.parts; w++ {
			go a.runs[w]()
		}
	}
	a.part(0)
	if job.parts > 1 {
		a.wg.Wait()
	}
	a.job = adjJob{} // drop the references to the caller's buffers
}

// part executes the w-th of a.job.parts pieces of a.job.
func (a *Adjoint) part(w int) {
	j := &a.job
	lo, hi := j.n*w/j.parts, j.n*(w+1)/j.parts
	switch j.op {
	case adjNT:
		adjGemmNT(j.M, hi-lo, j.K, j.A, j.lda, j.B[lo*j.ldb:], j.ldb, j.C[lo:], j.ldc)
	case adjNN:
		adjGemmNN(j.M, hi-lo, j.K, j.A, j.lda, j.B[lo:], j.ldb, j.C[lo:], j.ldc)
	case adjTN:
		adjGemmTN(hi-lo, j.N, j.K, j.A[lo:], j.lda, j.B, j.ldb, j.C[lo*j.ldc:], j.ldc)
	case adjWriteD:
		a.writeD(j.l, lo, hi, j.dst)
	case adjWritePhi:
		a.writePhi(j.l, lo, hi, j.dst)
	}
}

// gemm sets C = A·Bᵀ (adjNT), A·B (adjNN) or Aᵀ·B (adjTN), with the
// shapes of adjGemmNT, adjGemmNN and adjGemmTN, splitting the columns of C
// (adjNT, adjNN) or its rows (adjTN) across goroutines when large. Under a
// non-native BLAS the whole product goes to it, which does its own threading.
func (a *Adjoint) gemm(op adjOp, M, N, K int, A []float64, lda int, B []float64, ldb int, C []float64, ldc int) {
	if !blasimpl.Native() {
		blasimpl.Gemm(op == adjTN, op == adjNT, M, N, K, A, lda, B, ldb, C, ldc)
		return
	}
	if M*N*K < adjParMin || a.threads == 1 {
		adjGemm(op, M, N, K, A, lda, B, ldb, C, ldc)
		return
	}
	n := N
	if op == adjTN {
		n = M
	}
	a.run(adjJob{op: op, n: n, M: M, N: N, K: K, A: A, lda: lda, B: B, ldb: ldb, C: C, ldc: ldc}, M*N*K)
}

// adjGemm runs one of the serial kernels.
func adjGemm(op adjOp, M, N, K int, A []float64, lda int, B []float64, ldb int, C []float64, ldc int) {
	switch op {
	case adjNT:
		adjGemmNT(M, N, K, A, lda, B, ldb, C, ldc)
	case adjNN:
		adjGemmNN(M, N, K, A, lda, B, ldb, C, ldc)
	case adjTN:
		adjGemmTN(M, N, K, A, lda, B, ldb, C, ldc)
	}
}

// adjAxpby sets dst = α·x + β·y. It makes two passes with gonum's vector
// kernels, the second while dst is in L1: on the m × P output this is twice
// as fast as a one-pass scalar loop.
func adjAxpby(dst []float64, alpha float64, x []float64, beta float64, y []float64) {
	if len(dst) < 16 { // shorter than the calls' overhead
		x, y = x[:len(dst)], y[:len(dst)]
		for j := range dst {
			dst[j] = alpha*x[j] + beta*y[j]
		}
		return
	}
	floats.ScaleTo(dst, beta, y[:len(dst)])
	floats.AddScaled(dst, alpha, x[:len(dst)])
}

// The serial kernels below, unlike gonum's native Dgemm, never start
// goroutines and so do not allocate.

// adjGemmNT sets C = A·Bᵀ for row-major A (M × K), B (N × K) and C (M × N).
func adjGemmNT(M, N, K int, A []float64, lda int, B []float64, ldb int, C []float64, ldc int) {
	for j := 0; j < N; j++ {
		b := B[j*ldb : j*ldb+K]
		for i := 0; i < M; i++ {
			C[i*ldc+j] = floats.Dot(A[i*lda:i*lda+K], b)
		}
	}
}

// adjGemmNN sets C = A·B for row-major A (M × K), B (K × N) and C (M × N).
func adjGemmNN(M, N, K int, A []float64, lda int, B []float64, ldb int, C []float64, ldc int) {
	for i := 0; i < M; i++ {
		c := C[i*ldc : i*ldc+N]
		clear(c)
		for l, x := range A[i*lda : i*lda+K] {
			if x != 0 {
				floats.AddScaled(c, x, B[l*ldb:l*ldb+N])
			}
		}
	}
}

// adjGemmTN sets C = Aᵀ·B for row-major A (K × M), B (K × N) and C (M × N),
// one output row at a time so that it stays in cache.
func adjGemmTN(M, N, K int, A []float64, lda int, B []float64, ldb int, C []float64, ldc int) {
	for i := 0; i < M; i++ {
		c := C[i*ldc : i*ldc+N]
		floats.ScaleTo(c, A[i], B[:N])
		for l := 1; l < K; l++ {
			if x := A[l*lda+i]; x != 0 {
				floats.AddScaled(c, x, B[l*ldb:l*ldb+N])
			}
		}
	}
}

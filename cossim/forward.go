package cossim

import (
	"fmt"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// The Forward engine's route. With x = D(z), U = ∂D/∂z = [u₁ … u_m],
// g = ∇Φ(x), cᵢ = g·uᵢ, G = |g|² and Uᵢ = |uᵢ|², we have sᵢ = cᵢ²/(G·Uᵢ)
// and, for any parameter p (of D or of Φ), the quotient rule
//
//	∂sᵢ/∂p = 2cᵢ/(G·Uᵢ)·∂cᵢ/∂p − cᵢ²/(G·Uᵢ)²·(Uᵢ·∂G/∂p + G·∂Uᵢ/∂p).
//
// Every term comes out of one hyper-dual pass through D and then Φ, in which
// ε₂ carries the selected parameters p = [θ (if WrtD) | φ (if WrtPhi)] and
// ε₁ carries m+1 directions:
//
//  1. D, with ε₁ = I_m at z (the latent directions) and θ seeded as ε₂,
//     returns x, E1 = U, E2 = ∂x/∂θ and E12[r, b·m+i] = ∂u_ri/∂θ_b.
//     Hence Uᵢ = Σ_r u_ri² and ∂Uᵢ/∂θ_b = 2 Σ_r u_ri·∂u_ri/∂θ_b; Uᵢ does not
//     depend on φ.
//  2. A first-order pass through Φ at x (a tangent pass with the identity
//     seed) gives g.
//  3. Φ's input block is D's output with one more ε₁ column: the constant g,
//     with zero ε₁ε₂ part. φ is seeded as ε₂ after θ. Since ε₁ direction i
//     carries uᵢ into Φ, Φ's output has
//     E1[i] = ∇Φ·uᵢ = cᵢ and E12[b, i] = ∂cᵢ/∂p_b,
//     the latter through x(θ), uᵢ(θ) and φ alike. Direction m carries g,
//     held constant, so E1[m] = ∇Φ·g = G and
//     E12[b, m] = gᵀ(H_Φ·∂x/∂p_b + ∂²Φ/∂x∂p_b) = gᵀ·∂g/∂p_b = ½·∂G/∂p_b.
//
// No step loops over latent directions, data dimensions or parameters: each
// layer of each network is a few GEMMs on blocks (see layers.Network.Hyper),
// and only the final assembly reads the blocks element by element. D's pass
// carries only the m latent directions, so its blocks are m/(m+1) of the
// size the extra column would need; the column is added while D's output is
// copied into Φ's input. The cost is that of the hyper-dual blocks: about
// (m+1)·P multiply-adds per weight for the P selected parameters, and
// (m+2)·P numbers per neuron, hence the ForwardMemory budget.

// Forward is the forward-mode engine: one vectorized hyper-dual pass through
// D and then Φ, which carries the m latent directions (and g) as ε₁ and the
// parameters as ε₂, with no loop over directions or parameters. Its cost
// grows with the product of m and the number of selected parameters, so it
// suits small networks; NewForward refuses problems whose blocks would
// exceed the memory budget.
//
// A Forward reads the networks' weights at every call, so parameters may be
// updated in place between calls; their shapes must not change. It is not
// safe for concurrent use. After the first call, Eval makes no allocations.
type Forward struct {
	engine
	n              int
	k2D, k2        int // ε₂ directions through D and through Φ
	phiOff         int // ε₂ direction of φ₀
	seedD, seedPhi layers.ParamSeed

	wd, wphi layers.Workspace
	dIn      *layers.HyperBlock // m × (m, 0): z with ε₁ = I_m
	phiIn    *layers.HyperBlock // n × (m+1, k2D)
	eye      *mat.DiagDense     // n × n identity, the seed for g
	dc       []float64          // (m+1) × k2: dc[a·k2+b] = Φ's E12[0, b·(m+1)+a]
	du       []float64          // m × P_D: ∂Uᵢ/∂θ_b

	// Views for copying D's output block into Φ's input block: the first
	// m ε₁ columns of phiIn, and phiIn's and D's ε₁ε₂ parts as (n·k2D) rows
	// of k₁ numbers, one row per (neuron, ε₂ direction).
	inE1U, inE12U *mat.Dense
	outE12        mat.Dense // header, set at each call
	// Views for reading Φ's output: its ε₁ε₂ row as k2 × (m+1), and dc as
	// its transpose.
	outE12Phi mat.Dense  // header, set at each call
	outT      mat.Matrix // outE12Phi.T(), made once: boxing it allocates
	dcT       *mat.Dense
}

// forwardShape returns the ε₂ widths and the parameter seeds of the Forward
// route for p and wrt.
func forwardShape(p Problem, wrt Wrt) (k2D, k2, phiOff int, seedD, seedPhi layers.ParamSeed) {
	if wrt&WrtD != 0 {
		k2D = p.D.NumParams()
		seedD = layers.ParamSeed{To: len(p.D.Layers)}
	}
	k2 = k2D
	if wrt&WrtPhi != 0 {
		phiOff = k2D
		k2 += p.Phi.NumParams()
		seedPhi = layers.ParamSeed{Offset: phiOff, To: len(p.Phi.Layers)}
	}
	return k2D, k2, phiOff, seedD, seedPhi
}

// ForwardBytes returns the bytes the Forward engine allocates for p with
// the Jacobians wrt selects: its hyper-dual blocks, which dominate, and its
// other buffers. Per neuron of D the blocks hold about (m+1)·P_D numbers,
// and per neuron of Φ about (m+2)·P numbers for the P = P_D + P_Φ selected
// parameters. p must be valid.
func ForwardBytes(p Problem, wrt Wrt) int64 {
	m, n := int64(p.M()), int64(p.N())
	k2D, k2, _, seedD, seedPhi := forwardShape(p, wrt)
	b := p.D.HyperBytes(int(m), 0, 0, seedD) +
		p.Phi.HyperBytes(int(m)+1, k2D, k2D, seedPhi)
	size := m + m*m                              // dIn
	size += n * (1 + (m + 1) + int64(k2D)*(m+2)) // phiIn
	// Φ's tangent pass for g: the input and every layer's rows of 1+n,
	// and the output value.
	rows := n
	for i := range p.Phi.Layers {
		rows += int64(p.Phi.Layers[i].Out())
	}
	size += rows*(1+n) + 1
	size += n                              // eye
	size += (m+1)*int64(k2) + m*int64(k2D) // dc, du
	return b + 8*size
}

// NewForward returns a Forward engine for p with the options opt. It returns
// an error if p or opt is invalid, or if the engine would need more than
// opt.ForwardMemory bytes (DefaultForwardMemory if zero); ForwardBytes gives
// the figure.
func NewForward(p Problem, opt Options) (*Forward, error) {
	base, err := newEngine(p, opt)
	if err != nil {
		return nil, err
	}
	budget := opt.ForwardMemory
	if budget < 0 {
		return nil, fmt.Errorf("cossim: ForwardMemory = %d, want ≥ 0 (0 means the default %d)", budget, int64(DefaultForwardMemory))
	}
	if budget == 0 {
		budget = DefaultForwardMemory
	}
	if need := ForwardBytes(p, opt.Wrt); need > budget {
		return nil, fmt.Errorf("cossim: the Forward engine needs %d bytes (%.3g GiB) for its hyper-dual blocks, over its budget of %d bytes (%.3g GiB); raise Options.ForwardMemory or use the Adjoint engine",
			need, float64(need)/(1<<30), budget, float64(budget)/(1<<30))
	}

	m, n := p.M(), p.N()
	f := &Forward{engine: base, n: n}
	f.k2D, f.k2, f.phiOff, f.seedD, f.seedPhi = forwardShape(p, opt.Wrt)
	f.dIn = layers.NewHyperBlock(m, m, 0)
	for i := 0; i < m; i++ {
		f.dIn.E1.Set(i, i, 1)
	}
	f.phiIn = layers.NewHyperBlock(n, m+1, f.k2D)
	f.phiIn.Live = f.k2D
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	f.eye = mat.NewDiagDense(n, ones)
	f.dc = make([]float64, (m+1)*f.k2)
	f.du = make([]float64, m*f.k2D)
	f.inE1U = f.phiIn.E1.Slice(0, n, 0, m).(*mat.Dense)
	if f.k2D > 0 {
		// Column m of these rows, the ε₁ε₂ part of the extra direction g,
		// stays zero: nothing writes it after NewHyperBlock.
		all := mat.NewDense(n*f.k2D, m+1, f.phiIn.E12.RawMatrix().Data)
		f.inE12U = all.Slice(0, n*f.k2D, 0, m).(*mat.Dense)
	}
	if f.k2 > 0 {
		f.dcT = mat.NewDense(m+1, f.k2, f.dc)
		f.outT = f.outE12Phi.T()
	}
	return f, nil
}

// Eval computes s, its pieces and the Jacobians that the engine's Wrt
// selects for the latent z, writing them into res; Jacobians that Wrt does
// not select are left unchanged. It returns an error if z has the wrong
// length or a non-finite entry, if res does not fit, if a network's shapes
// changed since NewForward or a piece of s is not finite, and an
// *UndefinedError if a denominator is zero and Eps is not positive; the
// pieces Dot, GradNormSq and ColNormSq are still written in the last two
// cases.
func (f *Forward) Eval(res *Result, z []float64) error {
	if err := f.checkEval(res, z); err != nil {
		return err
	}
	m, n, k1 := f.m, f.n, f.m+1

	// 1. D: x, U, ∂x/∂θ and ∂U/∂θ.
	copy(f.dIn.V, z)
	dOut := f.p.D.Hyper(&f.wd, f.dIn, f.seedD)

	// 2. g = ∇Φ(x).
	_, g := f.p.Phi.Tangent(&f.wphi, dOut.V, f.eye)

	// 3. Φ's input: D's output with ε₁ column m = g (zero ε₁ε₂ part), as
	// block copies.
	in := f.phiIn
	copy(in.V, dOut.V)
	f.inE1U.Copy(dOut.E1)
	in.E1.SetCol(m, g.RawRowView(0))
	if f.k2D > 0 {
		in.E2.Copy(dOut.E2)
		f.outE12.SetRawMatrix(blas64.General{Rows: n * f.k2D, Cols: m, Stride: m, Data: dOut.E12.RawMatrix().Data})
		f.inE12U.Copy(&f.outE12)
	}
	out := f.p.Phi.Hyper(&f.wphi, in, f.seedPhi)

	// The pieces.
	e1 := out.E1.RawRowView(0)
	copy(res.Dot, e1[:m])
	G := e1[m]
	res.GradNormSq = G
	for i := range res.ColNormSq {
		res.ColNormSq[i] = 0
	}
	for r := 0; r < n; r++ {
		for i, u := range dOut.E1.RawRowView(r) {
			res.ColNormSq[i] += u * u
		}
	}
	if err := checkFinite(G, res.ColNormSq); err != nil {
		return err
	}
	if err := checkDefined(G, res.ColNormSq, f.opt.Eps); err != nil {
		return err
	}
	eps := f.opt.Eps
	for i, c := range res.Dot {
		res.S[i] = c * c / (G*res.ColNormSq[i] + eps)
	}
	if f.k2 == 0 {
		return nil
	}

	// dc = Φ's ε₁ε₂ row, k2 × (m+1), transposed to one row per ε₁
	// direction; its row m becomes ∂G/∂p.
	f.outE12Phi.SetRawMatrix(blas64.General{Rows: f.k2, Cols: k1, Stride: k1, Data: out.E12.RawRowView(0)})
	f.dcT.Copy(f.outT)
	dG := f.dc[m*f.k2 : (m+1)*f.k2]
	floats.Scale(2, dG)

	if f.k2D > 0 {
		// ∂Uᵢ/∂θ_b = 2 Σ_r u_ri·∂u_ri/∂θ_b, the one contraction of D's
		// blocks that is not a product with a weight matrix.
		clear(f.du)
		for r := 0; r < n; r++ {
			u := dOut.E1.RawRowView(r)
			du := dOut.E12.RawRowView(r)
			for i, ur := range u {
				dst := f.du[i*f.pd : (i+1)*f.pd]
				ur *= 2
				for b := range dst {
					dst[b] += ur * du[b*m+i]
				}
			}
		}
		for i, c := range res.Dot {
			quotientGrad(res.GradD.RawRowView(i), c, G, res.ColNormSq[i], eps,
				f.dc[i*f.k2:i*f.k2+f.pd], dG[:f.pd], f.du[i*f.pd:(i+1)*f.pd])
		}
	}
	if f.opt.Wrt&WrtPhi != 0 {
		lo, hi := f.phiOff, f.phiOff+f.pf
		for i, c := range res.Dot {
			quotientGrad(res.GradPhi.RawRowView(i), c, G, res.ColNormSq[i], eps,
				f.dc[i*f.k2+lo:i*f.k2+hi], dG[lo:hi], nil)
		}
	}
	return nil
}

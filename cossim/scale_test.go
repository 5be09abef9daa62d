package cossim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/internal/examples"
	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// Scale invariance (issue 13): sᵢ depends on g and uᵢ only through their
// directions, so rescaling a network's last layer, when that layer's
// activation is the identity, is a reparametrization with known effects.
// With θ' = αθ on the rescaled layer, s'(θ') = s(θ'/α), so ∂s/∂θ' = (1/α)·∂s/∂θ
// on that layer and every other derivative is unchanged:
//
//   - D's last layer ×α with Φ one linear layer: g does not depend on x,
//     uᵢ → αuᵢ; s unchanged, ∂s/∂θ of that layer ×1/α, the rest unchanged.
//   - D's last layer ×α with a nonlinear Φ whose first-layer weights are
//     ×1/α (the composition is unchanged; g → g/α, uᵢ → αuᵢ): as above, and
//     ∂s/∂φ of Φ's first-layer weights ×α. Without the compensation Φ
//     would see a different input and s would change.
//   - Φ's last layer ×α: g → αg; s and ∂s/∂θ unchanged, ∂s/∂φ of that
//     layer ×1/α.
//
// Each is checked to scaleTol, normwise within each layer's weight and each
// layer's bias (normwise over the whole Jacobian a block scaled by 1e150
// would hide the others), against the same engine at α = 1.
//
// Every engine is asserted at every α. The compensated D scaling at
// α = 1e±150 is the hard case: there ∂|g|²/∂θ = 2gᵀH_Φ ∂x/∂θ scales as
// α⁻³ = 1e∓450, which is why the forward and looped engines take ∂|g|
// (α⁻²) instead (quotient.go); before that change they returned wrong
// Jacobians at 1e150 without an error.
const scaleTol = 1e-12

var scaleAlphas = []float64{1e-150, 1e-40, 1e40, 1e150}

// scaleShape is a random problem shape; the last activation of D and of Φ
// is the identity, so that rescaling the last layer rescales the output.
type scaleShape struct {
	name       string
	dW, phiW   []int
	dAct, fAct []layers.Activation
}

func scaleShapes() []scaleShape {
	id := layers.Identity
	return []scaleShape{
		{"tanh/sigmoid", []int{3, 5, 4}, []int{4, 6, 1}, []layers.Activation{layers.Tanh, id}, []layers.Activation{layers.Sigmoid, id}},
		{"softplus/elu", []int{2, 4, 5}, []int{5, 3, 1}, []layers.Activation{layers.Softplus, id}, []layers.Activation{layers.ELU, id}},
		{"relu/gelu", []int{3, 6, 3}, []int{3, 5, 1}, []layers.Activation{layers.ReLU, id}, []layers.Activation{layers.GELU, id}},
		{"deep silu,sin/tanh,softplus", []int{2, 4, 3, 5}, []int{5, 3, 4, 1},
			[]layers.Activation{layers.SiLU, layers.Sin, id}, []layers.Activation{layers.Tanh, layers.Softplus, id}},
		{"single layers", []int{3, 4}, []int{4, 3, 1}, []layers.Activation{id}, []layers.Activation{layers.Sin, id}},
	}
}

// drawScale draws networks and a latent for sh as randProblem does: every
// pre-activation at least 0.05 from 0, |g|² and |uᵢ|² at least 10⁻³.
func drawScale(t *testing.T, sh scaleShape, seed uint64, phiLinear bool) (d, phi *layers.Network, z []float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 13))
	fW, fAct := sh.phiW, sh.fAct
	if phiLinear {
		fW, fAct = []int{sh.phiW[0], 1}, []layers.Activation{layers.Identity}
	}
	for range 100 {
		d = examples.RandDense(rng, sh.dW, sh.dAct, 1.5)
		phi = examples.RandDense(rng, fW, fAct, 1.5)
		z = examples.Vec(rng, sh.dW[0])
		if kinkMargin(d, phi, z) < 0.05 {
			continue
		}
		p := Problem{D: d.Graph(), Phi: phi.Graph()}
		ref := newReference(p)
		ref.values(make([]float64, p.M()), z, 0)
		if ref.res.GradNormSq >= 1e-3 && minOf(ref.res.ColNormSq) >= 1e-3 &&
			ref.res.GradNormSq <= 1e3 && maxOf(ref.res.ColNormSq) <= 1e3 {
			return d, phi, z
		}
	}
	t.Fatalf("%s: no draw away from the kinks", sh.name)
	return nil, nil, nil
}

func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}

func cloneNet(n *layers.Network) *layers.Network {
	c := &layers.Network{Layers: make([]layers.Layer, len(n.Layers))}
	for i, ly := range n.Layers {
		c.Layers[i] = layers.Layer{W: mat.DenseCopyOf(ly.W), B: append([]float64(nil), ly.B...), Act: ly.Act}
	}
	return c
}

// scaleLayer multiplies layer l's weight by fw and its bias by fb.
func scaleLayer(n *layers.Network, l int, fw, fb float64) {
	ly := &n.Layers[l]
	ly.W.Scale(fw, ly.W)
	for i := range ly.B {
		ly.B[i] *= fb
	}
}

// factors returns, per parameter of n, 1 except fw on layer l's weight and
// fb on its bias.
func factors(n *layers.Network, l int, fw, fb float64) []float64 {
	f := make([]float64, n.NumParams())
	for k := range f {
		f[k] = 1
	}
	ly := n.Layers[l]
	off, nw := n.ParamOffset(l), ly.Out()*ly.In()
	for k := off; k < off+nw; k++ {
		f[k] = fw
	}
	for k := off + nw; k < off+ly.NumParams(); k++ {
		f[k] = fb
	}
	return f
}

// layerBlocks returns the parameter indices of each layer's weight and of
// each layer's bias.
func layerBlocks(n *layers.Network) [][]int {
	var blocks [][]int
	for l, ly := range n.Layers {
		off, nw := n.ParamOffset(l), ly.Out()*ly.In()
		w, b := make([]int, 0, nw), make([]int, 0, ly.Out())
		for k := off; k < off+nw; k++ {
			w = append(w, k)
		}
		for k := off + nw; k < off+ly.NumParams(); k++ {
			b = append(b, k)
		}
		blocks = append(blocks, w, b)
	}
	return blocks
}

// jacBlockRel returns the largest, over blocks, of the normwise relative
// difference between got∘f (each column k multiplied by f[k]) and want in
// the block, over all rows.
func jacBlockRel(got, want *mat.Dense, f []float64, blocks [][]int) float64 {
	if got == nil || want == nil {
		if got == nil && want == nil {
			return 0
		}
		return math.Inf(1)
	}
	m, _ := want.Dims()
	worst := 0.0
	for _, blk := range blocks {
		var a, b []float64
		for i := 0; i < m; i++ {
			for _, k := range blk {
				a = append(a, got.At(i, k)*f[k])
				b = append(b, want.At(i, k))
			}
		}
		worst = math.Max(worst, normRel(a, b))
	}
	return worst
}

// scaleVariant is one of the three rescalings.
type scaleVariant struct {
	name      string
	phiLinear bool
	// apply rescales copies of d and phi by α and returns them with the
	// factors that turn the rescaled problem's Jacobians into the
	// original's (fD, fPhi), and the factors of g and uᵢ (kg, ku).
	apply func(d, phi *layers.Network, alpha float64) (d2, phi2 *layers.Network, fD, fPhi []float64, kg, ku float64)
}

func scaleVariants() []scaleVariant {
	last := func(n *layers.Network) int { return len(n.Layers) - 1 }
	ones := func(n *layers.Network) []float64 { return factors(n, 0, 1, 1) }
	return []scaleVariant{
		{
			name: "D last layer, Φ linear", phiLinear: true,
			apply: func(d, phi *layers.Network, a float64) (*layers.Network, *layers.Network, []float64, []float64, float64, float64) {
				d2 := cloneNet(d)
				scaleLayer(d2, last(d2), a, a)
				return d2, cloneNet(phi), factors(d2, last(d2), a, a), ones(phi), 1, a
			},
		},
		{
			name: "D last layer, Φ first layer compensated",
			apply: func(d, phi *layers.Network, a float64) (*layers.Network, *layers.Network, []float64, []float64, float64, float64) {
				d2, phi2 := cloneNet(d), cloneNet(phi)
				scaleLayer(d2, last(d2), a, a)
				scaleLayer(phi2, 0, 1/a, 1)
				return d2, phi2, factors(d2, last(d2), a, a), factors(phi2, 0, 1/a, 1), 1 / a, a
			},
		},
		{
			name: "Φ last layer",
			apply: func(d, phi *layers.Network, a float64) (*layers.Network, *layers.Network, []float64, []float64, float64, float64) {
				phi2 := cloneNet(phi)
				scaleLayer(phi2, last(phi2), a, a)
				return cloneNet(d), phi2, ones(d), factors(phi2, last(phi2), a, a), a, 1
			},
		},
	}
}

func TestScaleInvariance(t *testing.T) {
	worst := map[Kind]float64{}
	for _, v := range scaleVariants() {
		for _, sh := range scaleShapes() {
			for seed := uint64(1); seed <= 2; seed++ {
				d, phi, z := drawScale(t, sh, seed, v.phiLinear)
				base := Problem{D: d.Graph(), Phi: phi.Graph()}
				opt := Options{Wrt: WrtBoth}
				for _, alpha := range scaleAlphas {
					d2, phi2, fD, fPhi, kg, ku := v.apply(d, phi, alpha)
					p := Problem{D: d2.Graph(), Phi: phi2.Graph()}
					for _, k := range engineKinds {
						name := fmt.Sprintf("%s, %s, seed %d, α = %g, %v", v.name, sh.name, seed, alpha, k)
						assert := true
						want := mustEval(t, base, opt, k, z)
						got := NewResult(p, opt.Wrt)
						if err := mustEngine(t, p, opt, k).Eval(got, z); err != nil {
							if assert {
								t.Errorf("%s: %v", name, err)
							} else {
								t.Logf("%s (not asserted: raw quantities out of range): %v", name, err)
							}
							continue
						}
						dot, u2 := make([]float64, len(got.Dot)), make([]float64, len(got.ColNormSq))
						for i := range dot {
							dot[i] = got.Dot[i] / kg / ku
							u2[i] = got.ColNormSq[i] / ku / ku
						}
						for _, q := range []struct {
							what string
							e    float64
						}{
							{"s", normRel(got.S, want.S)},
							{"dot", normRel(dot, want.Dot)},
							{"grad_norm_sq", normRel([]float64{got.GradNormSq / kg / kg}, []float64{want.GradNormSq})},
							{"col_norm_sq", elemRel(u2, want.ColNormSq, want.ColNormSq)},
							{"∂s/∂θ", jacBlockRel(got.GradD, want.GradD, fD, layerBlocks(d))},
							{"∂s/∂φ", jacBlockRel(got.GradPhi, want.GradPhi, fPhi, layerBlocks(phi))},
						} {
							if !assert {
								if !(q.e <= scaleTol) {
									t.Logf("%s (not asserted: raw quantities out of range): %s relative error %.3g", name, q.what, q.e)
								}
								continue
							}
							worst[k] = math.Max(worst[k], q.e)
							if !(q.e <= scaleTol) {
								t.Errorf("%s: %s relative error %.3g > %g", name, q.what, q.e, scaleTol)
							}
						}
					}
				}
			}
		}
	}
	for _, k := range engineKinds {
		t.Logf("%v: largest relative change under rescaling %.2g", k, worst[k])
	}
}

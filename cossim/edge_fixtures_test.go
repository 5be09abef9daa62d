package cossim

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/layers"
)

// testdata/torch_edge_cases.json, written by
// tools/torchref/make_edge_fixtures.py in the schema of torch_cases.json
// (issue 13): PyTorch 1.13's values, float64, at extreme scales and at exact
// kinks.
//
//   - scale_* cases scale whole layers, or one column of D's first layer,
//     by 1e±40 to 1e±150, so that cᵢ, |g|² and |uᵢ|² are float64 numbers
//     but cᵢ², |g|²|uᵢ|² or its square may not be.
//     The expected values come from torch.autograd.grad with the unit
//     vectors ĝ, ûᵢ formed inside autograd after an exact power-of-two
//     rescaling (no intermediate leaves float64's range), checked by the
//     script against mpmath at 60 digits and against the analytically
//     rescaled O(1) problem.
//   - kink_* cases put a pre-activation exactly at 0 (dyadic weights, so
//     every engine computes the same exact 0) in D's first layer, D's output
//     layer, Φ's hidden layer or both networks, for relu and elu and, as
//     controls, every other activation. The expected values are PyTorch's
//     double backward (torch.autograd.grad with create_graph=True), so they
//     hold its conventions to second order: relu′(0) = relu″(0) = 0,
//     elu′(0) = 1, elu″(0) = 0.
//
// The script lists in raw_out_of_range the cases where one of cᵢ, |g|²,
// |uᵢ|² or their parameter derivatives (where its term in ∂sᵢ matters) is
// not a normal float64 number. The forward and looped engines used to form
// ∂|g|² and returned wrong Jacobians there without an error; they now form
// ∂|g| and ∂|uᵢ| (quotient.go) and are asserted on every case like the
// adjoint engine. The list is the four cases in which D's output is scaled
// by α = 1e±150 and Φ's first-layer weights by 1/α:
//
//	scale_D1_x1e150_phi_tanh_comp               ∂|g|²/∂θ ≈ 3e-451
//	scale_D2tanh_out_x1e150_phi_softplus_comp   ∂|g|²/∂θ ≈ 7e-452 (output layer)
//	scale_D1_x1e-150_phi_tanh_comp              ∂|g|²/∂θ ≈ 4e+449
//	scale_D2tanh_out_x1e-150_phi_softplus_comp  ∂|g|²/∂θ ≈ 3e+448 (output layer)
//
// (∂|g|²/∂θ = 2gᵀH_Φ ∂x/∂θ scales as α⁻³ there, while ∂s/∂θ scales as α⁻¹.)
// The adjoint engine never forms those quantities and is asserted on every
// case.
//
// Every quantity is checked to fixtureTol relative to its largest
// magnitude, as in TestTorchFixtures; in addition cᵢ and |uᵢ|² element by
// element and, on scale cases, the Jacobians block by block (paramBlocks).
const edgeFixtures = "testdata/torch_edge_cases.json"

// edgeCases is torch_edge_cases.json: torch_cases.json's schema and the
// cases in which the forward and looped engines' raw quantities leave
// float64, with the offending quantity.
type edgeCases struct {
	torchCases
	RawOutOfRange map[string]string `json:"raw_out_of_range"`
}

func loadEdgeCases(t *testing.T) *edgeCases {
	t.Helper()
	data, err := os.ReadFile(edgeFixtures)
	if err != nil {
		t.Fatal(err)
	}
	var tc edgeCases
	if err := json.Unmarshal(data, &tc); err != nil {
		t.Fatal(err)
	}
	if len(tc.Cases) == 0 {
		t.Fatal("no edge fixture cases")
	}
	return &tc
}

// elemRel returns max over k of |a[k]−b[k]| / scale[k], for the entries of
// vectors whose natural scale differs from entry to entry (normwise, a
// |uᵢ|² of 1e−200 next to one of 1 would not be checked at all). +Inf on a
// length mismatch or a NaN.
func elemRel(a, b, scale []float64) float64 {
	if len(a) != len(b) || len(b) != len(scale) {
		return math.Inf(1)
	}
	worst := 0.0
	for k := range b {
		d := math.Abs(a[k]-b[k]) / scale[k]
		if math.IsNaN(d) {
			return math.Inf(1)
		}
		worst = math.Max(worst, d)
	}
	return worst
}

// paramBlocks returns the parameter indices of each column of each layer's
// weight and of each layer's bias, in n's parameter order (weight row-major,
// then bias, layer by layer): the groups whose derivatives scale together
// when a layer or one of its columns is rescaled.
func paramBlocks(n *layers.Network) [][]int {
	var blocks [][]int
	off := 0
	for _, ly := range n.Layers {
		out, in := ly.Out(), ly.In()
		for j := 0; j < in; j++ {
			b := make([]int, out)
			for r := range b {
				b[r] = off + r*in + j
			}
			blocks = append(blocks, b)
		}
		b := make([]int, out)
		for r := range b {
			b[r] = off + out*in + r
		}
		blocks = append(blocks, b)
		off += ly.NumParams()
	}
	return blocks
}

// blockRel is normRel taken block by block over the columns of an m-row
// Jacobian (row-major, P columns): the largest, over blocks, of
// max|a−b| / max|b| in the block, with the whole Jacobian's max|b| as the
// scale of a block that is exactly zero. Normwise over the whole Jacobian, a
// layer scaled by 1e150 would hide every other layer's derivatives.
func blockRel(a, b []float64, m int, blocks [][]int) float64 {
	if len(a) != len(b) || m == 0 || len(b)%m != 0 {
		return math.Inf(1)
	}
	P := len(b) / m
	all := 0.0
	for _, v := range b {
		all = math.Max(all, math.Abs(v))
	}
	worst := 0.0
	for _, blk := range blocks {
		scale, diff := 0.0, 0.0
		for i := 0; i < m; i++ {
			for _, k := range blk {
				d := math.Abs(a[i*P+k] - b[i*P+k])
				if math.IsNaN(d) {
					return math.Inf(1)
				}
				scale = math.Max(scale, math.Abs(b[i*P+k]))
				diff = math.Max(diff, d)
			}
		}
		if scale == 0 {
			scale = all
		}
		if scale == 0 {
			scale = 1
		}
		worst = math.Max(worst, diff/scale)
	}
	return worst
}

func TestTorchEdgeFixtures(t *testing.T) {
	tc := loadEdgeCases(t)
	names := map[string]bool{}
	for _, c := range tc.Cases {
		names[c.Name] = true
	}
	for name := range tc.RawOutOfRange {
		if !names[name] || !strings.HasPrefix(name, "scale_") {
			t.Errorf("raw_out_of_range names %q, which is not a scale case", name)
		}
	}
	// The worst agreement per engine and family, with where it occurs.
	type key struct {
		k      Kind
		family string
	}
	worst := map[key]float64{}
	worstCase := map[key]string{}
	for _, c := range tc.Cases {
		phi, d := readNetwork(t, c.Phi), readNetwork(t, c.D)
		p := Problem{Phi: phi.Graph(), D: d.Graph()}
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		m := p.M()
		scale := strings.HasPrefix(c.Name, "scale_")
		family := "kink"
		if scale {
			family = "scale"
		}
		if !scale && !strings.HasPrefix(c.Name, "kink_") {
			t.Fatalf("%s: neither a scale_ nor a kink_ case", c.Name)
		}
		opt := Options{Wrt: WrtBoth}
		for _, k := range engineKinds {
			why, outOfRange := tc.RawOutOfRange[c.Name]
			assert := true
			_ = outOfRange // listed for the record, asserted like every case
			e := mustEngine(t, p, opt, k)
			for b, want := range c.Expected {
				r := NewResult(p, opt.Wrt)
				if err := e.Eval(r, c.Z[b]); err != nil {
					if assert {
						t.Errorf("%s %v sample %d: %v", c.Name, k, b, err)
					} else {
						t.Logf("%s %v sample %d (not asserted: %s): %v", c.Name, k, b, why, err)
					}
					continue
				}
				// cᵢ's natural scale is |g||uᵢ| ≥ |cᵢ|; |uᵢ|²'s is itself.
				dotScale := make([]float64, len(want.Dot))
				for i := range dotScale {
					dotScale[i] = math.Sqrt(want.GradNormSq) * math.Sqrt(want.ColNormSq[i])
				}
				checks := []struct {
					what string
					e    float64
				}{
					{"s", normRel(r.S, want.S)},
					{"dot", normRel(r.Dot, want.Dot)},
					{"grad_norm_sq", normRel([]float64{r.GradNormSq}, []float64{want.GradNormSq})},
					{"col_norm_sq", normRel(r.ColNormSq, want.ColNormSq)},
					{"grad_d", normRel(flat(r.GradD), flatRows(want.GradD))},
					{"grad_phi", normRel(flat(r.GradPhi), flatRows(want.GradPhi))},
					{"dot per element, relative to |g||uᵢ|", elemRel(r.Dot, want.Dot, dotScale)},
					{"col_norm_sq per element", elemRel(r.ColNormSq, want.ColNormSq, want.ColNormSq)},
				}
				// Block by block only where blocks differ by a known scaling:
				// the kink cases are O(1) and have blocks that are exactly 0
				// or round-off (dead units), where only normwise is meaningful.
				if scale {
					checks = append(checks, []struct {
						what string
						e    float64
					}{
						{"grad_d per parameter block", blockRel(flat(r.GradD), flatRows(want.GradD), m, paramBlocks(d))},
						{"grad_phi per parameter block", blockRel(flat(r.GradPhi), flatRows(want.GradPhi), m, paramBlocks(phi))},
					}...)
				}
				for _, q := range checks {
					if !assert {
						if !(q.e <= fixtureTol) {
							t.Logf("%s %v sample %d (not asserted: %s): %s relative error %.3g", c.Name, k, b, why, q.what, q.e)
						}
						continue
					}
					if w := (key{k, family}); q.e > worst[w] || worstCase[w] == "" {
						worst[w] = math.Max(worst[w], q.e)
						worstCase[w] = fmt.Sprintf("%s sample %d, %s", c.Name, b, q.what)
					}
					if !(q.e <= fixtureTol) {
						t.Errorf("%s %v sample %d: %s relative error %.3g > %g", c.Name, k, b, q.what, q.e, fixtureTol)
					}
				}
			}
		}
	}
	for _, k := range engineKinds {
		for _, f := range []string{"scale", "kink"} {
			w := key{k, f}
			t.Logf("%v, %s cases: largest relative difference from PyTorch %.2g (%s)", k, f, worst[w], worstCase[w])
		}
	}
}

// Package examples holds the networks that dualgrad's command, tests,
// benchmarks and examples share, each defined once: the forum post's
// problem with its hand-derived golden values, and seeded random dense
// networks.
package examples

import (
	"math"
	"math/rand/v2"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// Post returns the forum post's networks and latent: Φ(x) = [1 2 3 4]·x and
// D(z) = W·z with W = [[1,0],[0,5],[1,0],[1,0]], both with zero bias, at
// z = (1, 0.5).
func Post() (phi, d *layers.Network, z []float64) {
	phi = &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(1, 4, []float64{1, 2, 3, 4}), B: []float64{0}}}}
	d = &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(4, 2, []float64{1, 0, 0, 5, 1, 0, 1, 0}), B: make([]float64, 4)}}}
	return phi, d, []float64{1, 0.5}
}

// The post's golden values, derived by hand in docs/math.md ("The post's
// example, by hand"): g = w = (1,2,3,4), u₁ = (1,0,1,1), u₂ = (0,5,0,0).
var (
	PostS   = []float64{64.0 / 90, 100.0 / 750}
	PostDot = []float64{8, 10}
	PostG2  = 30.0
	PostU2  = []float64{3, 25}
	// PostGradD is ∂s/∂θ, 2 × 12: W_D row-major (4 × 2), then the 4
	// biases. Only column i of W_D moves sᵢ:
	// ∂sᵢ/∂W[r,i] = 2cᵢw_r/(G·Uᵢ) − 2cᵢ²uᵢᵣ/(G·Uᵢ²).
	PostGradD = []float64{
		-8.0 / 27, 0, 16.0 / 45, 0, 8.0 / 135, 0, 32.0 / 135, 0, 0, 0, 0, 0,
		0, 2.0 / 75, 0, 0, 0, 6.0 / 75, 0, 8.0 / 75, 0, 0, 0, 0,
	}
	// PostGradPhi is ∂s/∂φ, 2 × 5: w, then Φ's bias.
	// ∂sᵢ/∂w_r = 2cᵢuᵢᵣ/(G·Uᵢ) − 2cᵢ²w_r/(G²·Uᵢ), that is
	// (8/45)u₁ − (32/675)w and (2/75)u₂ − (2/225)w; the bias does not move g.
	PostGradPhi = []float64{
		88.0 / 675, -64.0 / 675, 24.0 / 675, -8.0 / 675, 0,
		-2.0 / 225, 26.0 / 225, -6.0 / 225, -8.0 / 225, 0,
	}
)

// RandDense returns a dense network with the given widths (input first)
// and one activation per layer; weights and biases are scale·N(0, 1)/√fan_in.
func RandDense(rng *rand.Rand, widths []int, acts []layers.Activation, scale float64) *layers.Network {
	net := &layers.Network{}
	for l, act := range acts {
		in, out := widths[l], widths[l+1]
		s := scale / math.Sqrt(float64(in))
		w := mat.NewDense(out, in, nil)
		for i := 0; i < out; i++ {
			for j := 0; j < in; j++ {
				w.Set(i, j, s*rng.NormFloat64())
			}
		}
		b := make([]float64, out)
		for i := range b {
			b[i] = s * rng.NormFloat64()
		}
		net.Layers = append(net.Layers, layers.Layer{W: w, B: b, Act: act})
	}
	return net
}

// RandUniform returns a dense network with the given widths and one
// activation for every layer, weights and biases uniform in ±1/√fan_in as
// torch.nn.Linear initializes them: the benchmarks' networks.
func RandUniform(rng *rand.Rand, widths []int, act layers.Activation) *layers.Network {
	n := &layers.Network{}
	for l := 1; l < len(widths); l++ {
		in, out := widths[l-1], widths[l]
		bound := 1 / math.Sqrt(float64(in))
		w := make([]float64, out*in)
		for k := range w {
			w[k] = bound * (2*rng.Float64() - 1)
		}
		b := make([]float64, out)
		for k := range b {
			b[k] = bound * (2*rng.Float64() - 1)
		}
		n.Layers = append(n.Layers, layers.Layer{W: mat.NewDense(out, in, w), B: b, Act: act})
	}
	return n
}

// Vec returns n numbers uniform in [−1, 1).
func Vec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return v
}

package layers

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"
)

// wrappedBLAS is gonum's own BLAS under another type, so that the passes
// take the route they take under OpenBLAS (one untiled product per layer).
type wrappedBLAS struct{ gonumblas.Implementation }

// TestForeignBLAS checks that the untiled route for a non-native BLAS gives
// the same Tangent and Hyper blocks as the tiled native route, on layers
// wide enough (200) that the native route really tiles.
func TestForeignBLAS(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 11))
	net := randNet(rng, []int{3, 200, 7}, []Activation{Tanh, Sigmoid})
	x := randVec(rng, 3)
	seed := randDense(rng, 3, 5)
	in := NewHyperBlock(3, 2, 4)
	copy(in.V, x)
	in.E1.Copy(randDense(rng, 3, 2))
	in.E2.Copy(randDense(rng, 3, 4))
	in.E12.Copy(randDense(rng, 3, 8))
	in.Live = 4
	pseed := ParamSeed{Offset: 4, From: 0, To: 2}

	run := func() (tan *mat.Dense, hyp *HyperBlock) {
		var ws Workspace
		_, dy := net.Tangent(&ws, x, seed)
		out := net.Hyper(&ws, in, pseed)
		return mat.DenseCopyOf(dy), &HyperBlock{
			V: append([]float64(nil), out.V...), E1: mat.DenseCopyOf(out.E1),
			E2: mat.DenseCopyOf(out.E2), E12: mat.DenseCopyOf(out.E12),
		}
	}
	tanN, hypN := run()
	blas64.Use(wrappedBLAS{})
	defer blas64.Use(gonumblas.Implementation{})
	tanF, hypF := run()
	// The two routes sum the same products in different blockings, so they
	// agree to round-off, not bit for bit.
	const tol = 1e-13
	for _, c := range []struct {
		name string
		a, b mat.Matrix
	}{
		{"tangent", tanN, tanF},
		{"V", mat.NewVecDense(len(hypN.V), hypN.V), mat.NewVecDense(len(hypF.V), hypF.V)},
		{"E1", hypN.E1, hypF.E1}, {"E2", hypN.E2, hypF.E2}, {"E12", hypN.E12, hypF.E12},
	} {
		if !mat.EqualApprox(c.a, c.b, tol) {
			t.Errorf("%s differs between the native and the foreign BLAS route", c.name)
		}
	}
}

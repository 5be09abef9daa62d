package layers_test

import (
	"fmt"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// postD is the decoder D: R² → R⁴ of the forum post's example.
func postD() *layers.Network {
	return &layers.Network{Layers: []layers.Layer{{
		W: mat.NewDense(4, 2, []float64{1, 0, 0, 5, 1, 0, 1, 0}),
		B: make([]float64, 4),
	}}}
}

// The post's loop over latent directions is one tangent pass: seeding the
// identity gives every column uᵢ = ∂D/∂zᵢ at once.
func ExampleNetwork_Tangent() {
	d := postD()
	z := []float64{1, 0.5}
	var w layers.Workspace
	x, u := d.Tangent(&w, z, mat.NewDiagDense(2, []float64{1, 1}))
	fmt.Println("x =", x)
	fmt.Printf("∂D/∂z =\n%v\n", mat.Formatted(u))
	// Output:
	// x = [1 2.5 1 1]
	// ∂D/∂z =
	// ⎡1  0⎤
	// ⎢0  5⎥
	// ⎢1  0⎥
	// ⎣1  0⎦
}

// One hyper-dual pass with the latent directions as ε₁ and D's parameters as
// ε₂ gives x, ∂x/∂z, ∂x/∂θ and ∂²x/∂z∂θ together.
func ExampleNetwork_Hyper() {
	d := postD()
	in := layers.NewHyperBlock(2, 2, 0) // 2 latents, ε₁ = I, no input ε₂
	copy(in.V, []float64{1, 0.5})
	in.E1.Set(0, 0, 1)
	in.E1.Set(1, 1, 1)
	var w layers.Workspace
	out := d.Hyper(&w, in, layers.ParamSeed{To: 1}) // θ = (W row-major, b)

	fmt.Println("x₁ =", out.V[1], " ∂x₁/∂z =", out.E1.RawRowView(1))
	_, k2 := out.E2.Dims()
	for p := 0; p < k2; p++ {
		dx := out.E2.At(1, p)
		dz0, dz1 := out.E12.At(1, p*2), out.E12.At(1, p*2+1)
		if dx != 0 || dz0 != 0 || dz1 != 0 {
			fmt.Printf("θ%-2d ∂x₁/∂θ = %v  ∂²x₁/∂z∂θ = [%v %v]\n", p, dx, dz0, dz1)
		}
	}
	// Output:
	// x₁ = 2.5  ∂x₁/∂z = [0 5]
	// θ2  ∂x₁/∂θ = 1  ∂²x₁/∂z∂θ = [1 0]
	// θ3  ∂x₁/∂θ = 0.5  ∂²x₁/∂z∂θ = [0 1]
	// θ9  ∂x₁/∂θ = 1  ∂²x₁/∂z∂θ = [0 0]
}

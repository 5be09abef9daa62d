package hyperdual

import (
	"math"
	"testing"
)

// TestNeuralSpecialCases pins Sigmoid and Softplus in both tails, at 0 and
// at the non-finite values, in all four parts: σ′ = σ(1−σ),
// σ″ = σ(1−σ)(1−2σ); softplus′ = σ, softplus″ = σ(1−σ).
func TestNeuralSpecialCases(t *testing.T) {
	e700, e40 := math.Exp(-700), math.Exp(-40)
	d40 := e40 / ((1 + e40) * (1 + e40)) // σ′(40)
	checkSpecial(t, []special{
		{"Sigmoid(0+2ε₁+2ε₂)", Sigmoid(Number{0, 2, 2, 0}), Number{0.5, 0.5, 0.5, 0}, 0},
		{"Sigmoid(800+2ε₁+2ε₂)", Sigmoid(Number{800, 2, 2, 0}), Number{1, 0, 0, 0}, 0},
		{"Sigmoid(−800+2ε₁+2ε₂)", Sigmoid(Number{-800, 2, 2, 0}), Number{0, 0, 0, 0}, 0},
		// σ, σ′ and σ″ are all e⁻⁷⁰⁰ to 1e-304.
		{"Sigmoid(−700+2ε₁+2ε₂)", Sigmoid(Number{-700, 2, 2, 0}), Number{e700, 2 * e700, 2 * e700, 4 * e700}, 1e-15},
		// σ(1−σ) in float64 would give 0; σ″ = −σ′·(1−e⁻⁴⁰)/(1+e⁻⁴⁰).
		{"Sigmoid(40+ε₁+ε₂)", Sigmoid(Var(40)), Number{1, d40, d40, -d40 * (1 - e40) / (1 + e40)}, 1e-15},
		{"Sigmoid(NaN+ε₁+ε₂)", Sigmoid(Var(nan)), Number{nan, nan, nan, nan}, 0},
		{"Softplus(0+2ε₁+2ε₂)", Softplus(Number{0, 2, 2, 0}), Number{math.Ln2, 1, 1, 1}, 0},
		{"Softplus(800+2ε₁+2ε₂+ε₁ε₂)", Softplus(Number{800, 2, 2, 1}), Number{800, 2, 2, 1}, 0},
		{"Softplus(−800+2ε₁+2ε₂)", Softplus(Number{-800, 2, 2, 0}), Number{0, 0, 0, 0}, 0},
		{"Softplus(−700+2ε₁+2ε₂)", Softplus(Number{-700, 2, 2, 0}), Number{e700, 2 * e700, 2 * e700, 4 * e700}, 1e-15},
		{"Softplus(+Inf+2ε₁+2ε₂)", Softplus(Number{inf, 2, 2, 0}), Number{inf, 2, 2, 0}, 0},
		{"Softplus(NaN+ε₁+ε₂)", Softplus(Var(nan)), Number{nan, nan, nan, nan}, 0},
	})
}

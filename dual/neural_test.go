package dual

import (
	"math"
	"testing"
)

// TestNeuralSpecialCases includes property 6 for Sigmoid and Softplus: in
// both tails the parts are right and finite.
func TestNeuralSpecialCases(t *testing.T) {
	e700, e40 := math.Exp(-700), math.Exp(-40)
	checkSpecial(t, []special{
		{"Sigmoid(0+2ε)", Sigmoid(Number{0, 2}), Number{0.5, 0.5}, 0},
		{"Sigmoid(-0+2ε)", Sigmoid(Number{negZero, 2}), Number{0.5, 0.5}, 0},
		{"Sigmoid(800+2ε)", Sigmoid(Number{800, 2}), Number{1, 0}, 0},
		{"Sigmoid(-800+2ε)", Sigmoid(Number{-800, 2}), Number{0, 0}, 0},
		// σ(−700) = e⁻⁷⁰⁰/(1+e⁻⁷⁰⁰) and σ′ = σ(1−σ), both e⁻⁷⁰⁰ to 1e-304.
		{"Sigmoid(-700+2ε)", Sigmoid(Number{-700, 2}), Number{e700, 2 * e700}, 1e-15},
		// σ′(40) = e⁻⁴⁰/(1+e⁻⁴⁰)²; σ(1−σ) in float64 would give 0.
		{"Sigmoid(40+2ε)", Sigmoid(Number{40, 2}), Number{1, 2 * e40 / ((1 + e40) * (1 + e40))}, 1e-15},
		{"Sigmoid(+Inf+2ε)", Sigmoid(Number{inf, 2}), Number{1, 0}, 0},
		{"Sigmoid(-Inf+2ε)", Sigmoid(Number{-inf, 2}), Number{0, 0}, 0},
		{"Sigmoid(NaN+2ε)", Sigmoid(Number{nan, 2}), Number{nan, nan}, 0},
		{"Softplus(0+2ε)", Softplus(Number{0, 2}), Number{math.Ln2, 1}, 0},
		{"Softplus(800+2ε)", Softplus(Number{800, 2}), Number{800, 2}, 0},
		{"Softplus(-800+2ε)", Softplus(Number{-800, 2}), Number{0, 0}, 0},
		// log(1+e⁻⁷⁰⁰) = e⁻⁷⁰⁰ to 1e-304; log(1+eˣ) directly would give 0.
		{"Softplus(-700+2ε)", Softplus(Number{-700, 2}), Number{e700, 2 * e700}, 1e-15},
		{"Softplus(40+2ε)", Softplus(Number{40, 2}), Number{40, 2}, 0},
		{"Softplus(+Inf+2ε)", Softplus(Number{inf, 2}), Number{inf, 2}, 0},
		{"Softplus(-Inf+2ε)", Softplus(Number{-inf, 2}), Number{0, 0}, 0},
		{"Softplus(NaN+2ε)", Softplus(Number{nan, 2}), Number{nan, nan}, 0},
	})
}

// Package layers evaluates small fully connected networks and carries many
// derivative directions through them at once as matrix blocks, so that a
// linear layer is one GEMM for every direction together.
//
// A Network is a sequence of Layers x ↦ σ(W·x + b), each with an
// element-wise Activation. Its parameters flatten in PyTorch's parameters()
// order: layer by layer, the weight row-major, then the bias (see
// Network.ParamOffset).
//
// # Passes
//
// Forward evaluates a network in plain float64. Tangent carries k tangent
// directions through it at once as an Out × k block, so the identity seed
// gives the whole input Jacobian in one pass. Hyper carries a HyperBlock of
// hyper-dual vectors with k₁ ε₁ and k₂ ε₂ directions, where ε₂ may also seed
// the network's own parameters (ParamSeed), so that one pass returns y,
// ∂y/∂x, ∂y/∂θ and ∂²y/∂x∂θ. In each, a linear layer is one matrix product
// for all directions together; they reuse a caller-owned Workspace and make
// no allocations once it is sized.
//
// EvalDual and EvalHyper are the scalar reference passes: one dual or
// hyper-dual number per neuron, hence one direction (or one pair) per call.
// They define what the vectorized passes compute and are their test oracles.
//
// # JSON format
//
// ReadJSON, WriteJSON and Network's json.Marshaler and json.Unmarshaler use
//
//	{"layers": [{"weight": [[...], ...], "bias": [...], "activation": "tanh"}, ...]}
//
// Each layer's "weight" is its out × in matrix as a list of rows and "bias"
// its out entries. "activation" is optional (absent or null) and defaults to
// "identity"; it is applied after the affine map. Reading rejects, with an error naming the
// layer and the field, ragged weight rows, a bias whose length is not the
// number of rows, consecutive layers whose shapes do not chain, unknown
// activations, non-finite numbers (JSON has no NaN or Infinity literals, and
// numbers such as 1e999 that overflow float64 are refused), unknown or
// missing fields, and an empty network. Writing produces the same format and
// the round trip is exact: every float64 is written in the shortest form that
// reads back to the same bits, including -0 and subnormals.
package layers

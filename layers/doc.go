// Package layers holds dense networks, stacks of layers x ↦ σ(W·x + b), in
// the JSON format that the command's problem files use, and turns them
// into graphs of ops (Network.Graph), the form every engine runs on.
//
// A Network is a sequence of Layers, each with an element-wise Activation,
// one of the element-wise ops of package ops. Its parameters flatten in
// PyTorch's parameters() order: layer by layer, the weight row-major, then
// the bias (see Network.ParamOffset); as a graph they are named
// layers.l.weight and layers.l.bias and share the layers' storage, so
// updates through either are seen by both.
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

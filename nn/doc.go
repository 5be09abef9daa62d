// Package nn builds graphs (package graph) in Go the way PyTorch module code
// reads: a Builder's methods are the layers of torch.nn, each creating its
// named parameters with PyTorch's default initialization, drawn from a
// seeded random source, and applying the ops of package ops.
//
//	b := nn.NewBuilder(rand.New(rand.NewPCG(1, 2)))
//	x := b.Input("z", 20)
//	h := b.Relu(b.Linear("fc1", x, 400))        // nn.Linear(20, 400), F.relu
//	y := b.Sigmoid(b.Linear("fc2", h, 784))     // nn.Linear(400, 784), torch.sigmoid
//	g, err := b.Build(y)
//
// # Mapping to PyTorch
//
// A layer's name is its attribute path in the module tree, so that the
// parameters are named as the module's state_dict names them: Linear("fc1",
// …) declares "fc1.weight" [out, in] and "fc1.bias" [out], and a name such
// as "layer1.0.conv1" (or Scope("layer1").Scope("0") with "conv1") gives
// "layer1.0.conv1.weight". Parameters enter the graph's parameter vector in
// the order the layers are applied, which is the order of the module's
// parameters() when forward uses its submodules in the order __init__
// declares them. The weights have PyTorch's shapes and layouts (Conv2d
// [out, in/groups, kH, kW], ConvTranspose2d [in, out/groups, kH, kW]), so a
// state_dict's tensors can be copied into graph.Graph.ParamData one to one.
//
// Tensors carry PyTorch's batch dimension: Input("x", 1, 1, 28, 28) is one
// MNIST image, and the convolution, pooling and batch norm layers want
// [N, C, …]. Dimensions count from 0 with the batch first, as PyTorch's dim
// arguments do, and negative dims count from the end.
//
// The layers are the modules in evaluation mode (module.eval()): batch
// norm normalizes with its running statistics, which are constants of the
// graph (buffers in PyTorch's terms, see Builder.Buffer), and Dropout is
// the identity.
//
// Keyword arguments are Options: nn.Conv2d(1, 32, 3, stride=2, padding=1,
// bias=False) is Conv2d(name, x, 32, 3, Stride(2), Padding(1), Bias(false));
// the input channels come from x's shape. An option that the layer does
// not take is an error.
//
// # Initialization
//
// Weights are initialized as PyTorch's reset_parameters does, with the
// values drawn from the Builder's random source in the order the layers
// are applied, each tensor row-major (so the values are not PyTorch's,
// whose generator differs, but their distributions are):
//
//	Linear, Conv*, ConvTranspose*  weight and bias U(−1/√fan_in, 1/√fan_in)
//	BatchNorm*                     weight 1, bias 0; running_mean 0, running_var 1
//	LayerNorm                      weight 1, bias 0
//
// The weights' bound is kaiming_uniform_ with a = √5, gain·√(3/fan_in) =
// 1/√fan_in. fan_in is in·∏kernel for Linear and convolutions, with in the
// weight's dimension 1: in/groups for Conv, out/groups for ConvTranspose,
// whose weight is [in, out/groups, k…], exactly as PyTorch computes it.
//
// # Errors
//
// As in package graph, the first error is recorded and makes every later
// call a no-op returning an invalid node, so that building code reads
// straight through and checks once: Build (or Err) returns that error, an
// *Error naming the layer. Build returns a nil graph when there is one.
package nn

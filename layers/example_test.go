package layers_test

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/layers"
	"github.com/dualgrad/dualgrad/passes"
	"gonum.org/v1/gonum/mat"
)

// Load a 2 → 3 → 1 network from the JSON format and evaluate it. At
// x = (2, −1) the first layer gives relu(2, −1, 0) = (2, 0, 0) and the second
// 1·2 + 2·0 + 3·0 + 0.5 = 2.5.
func ExampleReadJSON() {
	const text = `{"layers": [
		{"weight": [[1, 0], [0, 1], [1, 1]], "bias": [0, 0, -1], "activation": "relu"},
		{"weight": [[1, 2, 3]], "bias": [0.5]}
	]}`
	net, err := layers.ReadJSON(strings.NewReader(text))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("in:", net.In(), "out:", net.Out(), "parameters:", net.NumParams())
	fmt.Println("activations:", net.Layers[0].Act, net.Layers[1].Act)
	tape := passes.NewTape(net.Graph())
	tape.Forward(graph.MakeBlock([]float64{2, -1}, 1, 2))
	fmt.Println("y =", tape.Output().Data)

	// Invalid input is refused with the layer and field named.
	_, err = layers.ReadJSON(strings.NewReader(`{"layers": [{"weight": [[1, 2], [3]], "bias": [0, 0]}]}`))
	fmt.Println(err)
	// Output:
	// in: 2 out: 1 parameters: 13
	// activations: relu identity
	// y = [2.5]
	// layers: layer 0: weight: line 1, column 33: layers[0].weight[1]: row has 1 numbers, row 0 has 2
}

// Parameters flatten in PyTorch's parameters() order: layer by layer, the
// weight row-major, then the bias.
func ExampleNetwork_Params() {
	net, err := layers.New(
		layers.Layer{W: mat.NewDense(2, 2, []float64{1, 2, 3, 4}), B: []float64{5, 6}, Act: layers.Tanh},
		layers.Layer{W: mat.NewDense(1, 2, []float64{7, 8}), B: []float64{9}},
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(net.Params(nil))
	fmt.Println("layer 1 starts at", net.ParamOffset(1))
	// Output:
	// [1 2 3 4 5 6 7 8 9]
	// layer 1 starts at 6
}

// Write a network in the JSON format.
func ExampleNetwork_WriteJSON() {
	net, err := layers.New(layers.Layer{W: mat.NewDense(2, 1, []float64{0.5, -2}), B: []float64{0, 1e-300}, Act: layers.GELU})
	if err != nil {
		log.Fatal(err)
	}
	if err := net.WriteJSON(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// {
	//   "layers": [
	//     {
	//       "weight": [
	//         [0.5],
	//         [-2]
	//       ],
	//       "bias": [0, 1e-300],
	//       "activation": "gelu"
	//     }
	//   ]
	// }
}

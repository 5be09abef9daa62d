package jsonstrict_test

import (
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/dualgrad/dualgrad/internal/jsonstrict"
)

// readProblem reads {"phi": …, "d": …, "z": [...]}, keeping only z.
func readProblem(in string) ([]float64, error) {
	root, err := jsonstrict.Parse(strings.NewReader(in), 1<<20)
	if err != nil {
		return nil, err
	}
	if err := root.CheckKeys("phi", "d", "z"); err != nil {
		return nil, err
	}
	z, err := root.Need("z")
	if err != nil {
		return nil, err
	}
	return z.Floats()
}

func ExampleParse() {
	for _, in := range []string{
		`{"z": [1, 0.5]}`,
		`{"z": [null, 0.5]}`,
		`{"PHI": {}, "z": [1]}`,
		`{"z": [1], "z": [2]}`,
		"{\n  \"z\": [1, 1e400]\n}",
		`{"z": [1 0.5]}`,
		`{"d": {}}`,
	} {
		z, err := readProblem(in)
		fmt.Println(z, err)
	}
	// Output:
	// [1 0.5] <nil>
	// [] line 1, column 8: z[0]: null, want a number
	// [] line 1, column 2: unknown field "PHI"; did you mean "phi"?
	// [] line 1, column 12: duplicate field "z" (first at line 1, column 2)
	// [] line 2, column 12: z[1]: 1e400 is outside the float64 range; numbers must be finite
	// [] line 1, column 10: z: unexpected "0.5" after an array element; want ',' or ']'
	// [] line 1, column 1: missing field "z"
}

func ExampleValue_Matrix() {
	root, err := jsonstrict.Parse(strings.NewReader(`{"weight": [[1, 2, 3], [4, 5]]}`), 1<<20)
	if err != nil {
		panic(err)
	}
	w, err := root.Need("weight")
	if err != nil {
		panic(err)
	}
	_, _, _, err = w.Matrix()
	fmt.Println(err)
	// Output:
	// line 1, column 24: weight[1]: row has 2 numbers, row 0 has 3
}

func ExampleWriter() {
	w := jsonstrict.NewWriter(os.Stdout)
	w.BeginObject()
	w.Key("s")
	w.Floats([]float64{0.1, 1.0 / 3})
	w.Key("grad_d")
	w.BeginArray()
	for _, row := range [][]float64{{1, -0.5}, {2e-9, 3e21}} { // one latent at a time
		w.Floats(row)
	}
	w.EndArray()
	w.EndObject()
	if err := w.Close(); err != nil {
		fmt.Println(err)
	}

	bad := jsonstrict.NewWriter(os.Stdout)
	bad.BeginObject()
	bad.Key("grad_d")
	bad.BeginArray()
	bad.Floats([]float64{1, 2})
	bad.Floats([]float64{3, math.NaN()})
	fmt.Println(bad.Close())
	// Output:
	// {"s":[0.1,0.3333333333333333],"grad_d":[[1,-0.5],[2e-9,3e+21]]}
	// grad_d[1][1]: NaN is not valid JSON
}

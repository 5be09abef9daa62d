package npz_test

import (
	"bytes"
	"fmt"

	"github.com/dualgrad/dualgrad/internal/npz"
)

func ExampleWriter() {
	var buf bytes.Buffer // or an *os.File
	w := npz.NewWriter(&buf)

	// A whole array, under a key with a slash, as np.load shows it.
	if err := w.Write("grad_d/fc1.weight", []int{2, 3}, []float64{1, 2, 3, 4, 5, 6}); err != nil {
		panic(err)
	}
	// An array written a row (one latent) at a time.
	s, err := w.Begin("s", []int{2, 2})
	if err != nil {
		panic(err)
	}
	for _, row := range [][]float64{{0.25, 0.5}, {0.75, 1}} {
		if err := s.Append(row); err != nil {
			panic(err)
		}
	}
	if err := s.End(); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}

	arrays, err := npz.Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		panic(err)
	}
	for _, a := range arrays {
		fmt.Println(a.Name, a.Shape, a.Data)
	}
	// Output:
	// grad_d/fc1.weight [2 3] [1 2 3 4 5 6]
	// s [2 2] [0.25 0.5 0.75 1]
}

func ExampleOpen() {
	arrays, err := npz.Open("testdata/numpy.npz") // written by np.savez
	if err != nil {
		panic(err)
	}
	for _, a := range arrays[:5] {
		fmt.Println(a.Name, a.Shape, len(a.Data))
	}
	_, err = npz.Open("testdata/numpy_fortran.npz")
	fmt.Println(err)
	// Output:
	// scalar [] 1
	// vector [5] 5
	// cube [2 3 4] 24
	// empty [0 3] 0
	// grad_d/fc1.weight [4 2] 8
	// npz: array "f": fortran_order True is not supported; save np.ascontiguousarray(a) instead (in testdata/numpy_fortran.npz)
}

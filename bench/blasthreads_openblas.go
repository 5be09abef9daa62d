//go:build openblas

package bench

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int);
// int openblas_get_num_threads(void);
import "C"

// blasThreads returns OpenBLAS's thread count.
func blasThreads() int { return int(C.openblas_get_num_threads()) }

func init() {
	batchBLAS = func() func() {
		n := C.openblas_get_num_threads()
		C.openblas_set_num_threads(1)
		return func() { C.openblas_set_num_threads(n) }
	}
}

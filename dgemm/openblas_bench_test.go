//go:build openblas

// This file adds OpenBLAS, through gonum's netlib cgo bindings, to
// BenchmarkDgemm. It needs libopenblas-dev and the link flag:
//
//	CGO_LDFLAGS=-lopenblas go test -tags openblas -run NONE -bench Dgemm ./dgemm
//
// OpenBLAS sizes its own thread pool; set OPENBLAS_NUM_THREADS to match -cpu.

package dgemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/netlib/blas/netlib"
)

func init() {
	benchImpls = append(benchImpls, struct {
		name string
		impl blas.Float64
	}{"openblas", netlib.Implementation{}})
}

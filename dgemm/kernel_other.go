//go:build !amd64 || purego

package dgemm

// archKernels has no assembly kernels for this build: goKernel runs.
func archKernels() []*kernel { return nil }

// trans8, copy8 and copy24 are never called without assembly: no kernel
// here sets fastPack.
func trans8(d []float64, ds int, src []float64, ld, off, kc int) { panic("dgemm: no trans8") }
func copy8(d, src []float64, ld, off, kc int)                    { panic("dgemm: no copy8") }
func copy24(d, src []float64, ld, off, kc int)                   { panic("dgemm: no copy24") }

//go:build !amd64 || purego

package dgemm

// archKernels has no assembly kernels for this build: goKernel runs.
func archKernels() []*kernel { return nil }

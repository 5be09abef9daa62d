//go:build !purego && !amd64.v3

package vec

import "golang.org/x/sys/cpu"

//go:generate go run gen_tanh.go

// useTanhAsm selects tanh_amd64.s. It needs FMA as well as AVX2 because it
// reproduces math.Exp's FMA path, the one math.Exp takes on such a machine.
// The file is left out at GOAMD64=v3 and above, where the compiler may
// fuse the scalar code's multiply-adds and so change its bits.
var useTanhAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// useTanhAsm512 selects tanhAsm512, eight lanes at a time, where AVX-512F
// is there too. A variable, so that the tests can run the AVX2 kernel.
var useTanhAsm512 = useTanhAsm && cpu.X86.HasAVX512F

//go:noescape
func tanhAsm(y, d1, d2, x *float64, n int) int

//go:noescape
func tanhAsm512(y, d1, d2, x *float64, n int) int

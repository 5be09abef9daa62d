//go:build !purego && !amd64.v3

package vec

import "golang.org/x/sys/cpu"

//go:generate go run gen_tanh.go

// useTanhAsm selects tanh_amd64.s. It needs FMA as well as AVX2 because it
// reproduces math.Exp's FMA path, the one math.Exp takes on such a machine.
// The file is left out at GOAMD64=v3 and above, where the compiler may
// fuse the scalar code's multiply-adds and so change its bits.
var useTanhAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func tanhAsm(y, d1, d2, x *float64, n int) int

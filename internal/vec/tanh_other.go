//go:build !amd64 || purego || amd64.v3

package vec

// useTanhAsm and useTanhAsm512 are false: there is no assembly tanh in
// this build.
var useTanhAsm, useTanhAsm512 = false, false

func tanhAsm(y, d1, d2, x *float64, n int) int    { panic("vec: no assembly") }
func tanhAsm512(y, d1, d2, x *float64, n int) int { panic("vec: no assembly") }

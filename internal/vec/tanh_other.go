//go:build !amd64 || purego || amd64.v3

package vec

// useTanhAsm is false: there is no assembly tanh in this build.
const useTanhAsm = false

func tanhAsm(y, d1, d2, x *float64, n int) int { panic("vec: no assembly") }

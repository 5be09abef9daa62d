//go:build !amd64 || purego

package vec

// useAsm is false: there are no assembly loops in this build.
const useAsm = false

func mulAsm(dst, x, y *float64, n int)        { panic("vec: no assembly") }
func addMulAsm(dst, x, y *float64, n int)     { panic("vec: no assembly") }
func addMul3Asm(dst, x, y, z *float64, n int) { panic("vec: no assembly") }

func quotientPairAsm(dg, du, u, gh *float64, n int, c *[4]float64)       { panic("vec: no assembly") }
func sumSqDotAsm(x, y *float64, n int, s, d *[4]float64)                 { panic("vec: no assembly") }
func sumSqDotRowsAsm(ss, dot, x, y *float64, n, rows, xs int)            { panic("vec: no assembly") }
func dotRows4Asm(p *[16]float64, a *float64, lda int, x *float64, n int) { panic("vec: no assembly") }
func axpyRows4Asm(y, a *float64, lda int, s *[4]float64, n int)          { panic("vec: no assembly") }

func addRowsAsm(dst, x *float64, n, rows, ds, xs int)  { panic("vec: no assembly") }
func copyRowsAsm(dst, x *float64, n, rows, ds, xs int) { panic("vec: no assembly") }
func reluAsm(y, d1, x *float64, n int)                 { panic("vec: no assembly") }

func mulRowsAsm(dst, x, y *float64, n, rows, ds, xs, ys int)            { panic("vec: no assembly") }
func addMulRowsAsm(dst, x, y *float64, n, rows, ds, xs, ys int)         { panic("vec: no assembly") }
func selMulRowsAsm(dst, x, y *float64, n, rows, ds, xs, ys, acc int)    { panic("vec: no assembly") }
func addMul3RowsAsm(dst, x, y, z *float64, n, rows, ds, xs, ys, zs int) { panic("vec: no assembly") }

func mulMul3RowsAsm(dst, x, y, z, u, v *float64, n, rows, ds, xs, ys, us, vs int) {
	panic("vec: no assembly")
}

func addMulMul3RowsAsm(dst, x, y, z, u, v *float64, n, rows, ds, xs, ys, us, vs int) {
	panic("vec: no assembly")
}

func outerRowsAsm(dst, a, b *float64, n, rows, ds, as int, alpha float64) {
	panic("vec: no assembly")
}

//go:build !purego

package vec

import "golang.org/x/sys/cpu"

// useAsm selects the AVX2 loops of vec_amd64.s.
var useAsm = cpu.X86.HasAVX2

//go:noescape
func mulAsm(dst, x, y *float64, n int)

//go:noescape
func addMulAsm(dst, x, y *float64, n int)

//go:noescape
func addMul3Asm(dst, x, y, z *float64, n int)

//go:noescape
func quotientPairAsm(dg, du, u, gh *float64, n int, c *[4]float64)

//go:noescape
func sumSqDotAsm(x, y *float64, n int, s, d *[4]float64)

//go:noescape
func sumSqDotRowsAsm(ss, dot, x, y *float64, n, rows, xs int)

//go:noescape
func dotRows4Asm(p *[16]float64, a *float64, lda int, x *float64, n int)

//go:noescape
func axpyRows4Asm(y, a *float64, lda int, s *[4]float64, n int)

//go:noescape
func addRowsAsm(dst, x *float64, n, rows, ds, xs int)

//go:noescape
func copyRowsAsm(dst, x *float64, n, rows, ds, xs int)

//go:noescape
func reluAsm(y, d1, x *float64, n int)

//go:noescape
func mulRowsAsm(dst, x, y *float64, n, rows, ds, xs, ys int)

//go:noescape
func addMulRowsAsm(dst, x, y *float64, n, rows, ds, xs, ys int)

//go:noescape
func selMulRowsAsm(dst, x, y *float64, n, rows, ds, xs, ys, acc int)

//go:noescape
func addMul3RowsAsm(dst, x, y, z *float64, n, rows, ds, xs, ys, zs int)

//go:noescape
func mulMul3RowsAsm(dst, x, y, z, u, v *float64, n, rows, ds, xs, ys, us, vs int)

//go:noescape
func addMulMul3RowsAsm(dst, x, y, z, u, v *float64, n, rows, ds, xs, ys, us, vs int)

//go:noescape
func outerRowsAsm(dst, a, b *float64, n, rows, ds, as int, alpha float64)

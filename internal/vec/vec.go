// Package vec holds the element-wise loops of the hot paths: the products
// that the element-wise ops' derivative passes run on every row (dst = x⊙y,
// dst += x⊙y, dst += x⊙y⊙z), the quotient rule's fused pass and sums
// (QuotientPair, SumSqDot), and tanh's jet (TanhUnits). On amd64 with AVX2
// they run four lanes at a time in assembly; elsewhere, and with the purego
// build tag, as Go loops.
//
// Both paths give the same bits: each lane is one IEEE multiply or add,
// in the order the Go loop writes it (no fused multiply-add), so
// (x·y)·z is rounded twice and then added to dst. TanhUnits reproduces
// math.Exp's own fused operations, which is why it needs FMA too.
package vec

// Mul sets dst[i] = x[i]·y[i] for i < len(dst). It panics if x or y is
// shorter than dst.
func Mul(dst, x, y []float64) {
	n := len(dst)
	if len(x) < n || len(y) < n {
		panic("vec: Mul operand shorter than dst")
	}
	if n == 0 {
		return
	}
	if useAsm && n >= 4 {
		mulAsm(&dst[0], &x[0], &y[0], n)
		return
	}
	x, y = x[:n], y[:n]
	for i := range dst {
		dst[i] = x[i] * y[i]
	}
}

// AddMul sets dst[i] += x[i]·y[i] for i < len(dst). It panics if x or y is
// shorter than dst.
func AddMul(dst, x, y []float64) {
	n := len(dst)
	if len(x) < n || len(y) < n {
		panic("vec: AddMul operand shorter than dst")
	}
	if n == 0 {
		return
	}
	if useAsm && n >= 4 {
		addMulAsm(&dst[0], &x[0], &y[0], n)
		return
	}
	x, y = x[:n], y[:n]
	for i := range dst {
		dst[i] += x[i] * y[i]
	}
}

// AddMul3 sets dst[i] += (x[i]·y[i])·z[i] for i < len(dst). It panics if
// x, y or z is shorter than dst.
func AddMul3(dst, x, y, z []float64) {
	n := len(dst)
	if len(x) < n || len(y) < n || len(z) < n {
		panic("vec: AddMul3 operand shorter than dst")
	}
	if n == 0 {
		return
	}
	if useAsm && n >= 4 {
		addMul3Asm(&dst[0], &x[0], &y[0], &z[0], n)
		return
	}
	x, y, z = x[:n], y[:n], z[:n]
	for i := range dst {
		dst[i] += x[i] * y[i] * z[i]
	}
}

// QuotientPair sets, for each k < len(u), with h = u[k]·inv,
//
//	dg[k] += a·(h − c·g[k])   and   du[k] = b·(g[k] − c·h),
//
// each product and difference rounded in that order: the quotient rule's
// ∂s/∂g and ∂s/∂u in one pass over u. It panics if dg, du or g is shorter
// than u.
func QuotientPair(dg, du, u, g []float64, inv, a, b, c float64) {
	n := len(u)
	if len(dg) < n || len(du) < n || len(g) < n {
		panic("vec: QuotientPair operand shorter than u")
	}
	if n == 0 {
		return
	}
	k := 0
	if useAsm && n >= 4 {
		k = n &^ 3
		quotientPairAsm(&dg[0], &du[0], &u[0], &g[0], k, &[4]float64{inv, a, b, c})
	}
	for ; k < n; k++ {
		h, gk := u[k]*inv, g[k]
		dg[k] += a * (h - c*gk)
		du[k] = b * (gk - c*h)
	}
}

// SumSqDot returns Σ x[k]² and Σ x[k]·y[k] for k < len(x), each in four
// partial sums (k mod 4) added as (s₀ + s₁) + (s₂ + s₃): the same bits with
// and without assembly. It panics if y is shorter than x.
func SumSqDot(x, y []float64) (ss, dot float64) {
	n := len(x)
	if len(y) < n {
		panic("vec: SumSqDot operand shorter than x")
	}
	var s, d [4]float64
	k := 0
	if useAsm && n >= 4 {
		k = n &^ 3
		sumSqDotAsm(&x[0], &y[0], k, &s, &d)
	}
	for ; k+4 <= n; k += 4 {
		for l := range 4 {
			s[l] += x[k+l] * x[k+l]
			d[l] += x[k+l] * y[k+l]
		}
	}
	for ; k < n; k++ {
		s[0] += x[k] * x[k]
		d[0] += x[k] * y[k]
	}
	return (s[0] + s[1]) + (s[2] + s[3]), (d[0] + d[1]) + (d[2] + d[3])
}

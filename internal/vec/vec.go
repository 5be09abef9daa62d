// Package vec holds the element-wise products that the element-wise ops'
// derivative passes run on every row: dst = x⊙y, dst += x⊙y and
// dst += x⊙y⊙z. On amd64 with AVX2 they run four lanes at a time in
// assembly; elsewhere, and with the purego build tag, as Go loops.
//
// Both paths give the same bits: each lane is one IEEE multiply or add,
// in the order the Go loop writes it (no fused multiply-add), so
// (x·y)·z is rounded twice and then added to dst.
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

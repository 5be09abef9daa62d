// Package vec holds the element-wise loops of the hot paths: the products
// that the element-wise ops' derivative passes run on every row (Mul,
// AddMul, AddMul3: dst = x⊙y, dst += x⊙y, dst += x⊙y⊙z) and over strided
// rows in one call (MulRows, AddMulRows, AddMul3Rows, and the selecting
// SelMulRows and AddSelMulRows of relu-like ops), the quotient rule's
// fused pass and sums (QuotientPair, SumSqDot, SumSqDotRows), the two
// halves of a matrix-vector product (DotRows, AxpyRows), tanh's and relu's jets
// (TanhUnits, Relu), the strided runs that convolutions move between
// images and column matrices (CopyRows, AddRows), and rank-one products
// over cleared rows (OuterRows). On amd64 with AVX2 they
// run four lanes at a time in assembly (TanhUnits eight with AVX-512F);
// elsewhere, and with the purego build tag, as Go loops.
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

// SumSqDotRows sets ss[r], dot[r] = SumSqDot(x[r·xs:r·xs+n], y[:n]) for
// r < rows, with the same bits: the m Jacobian columns of one sample
// against its ĝ in one call, not m. It panics if ss or dot is shorter than
// rows, the rows of x do not fit, xs is neither 0 nor at least n, or y is
// shorter than n.
func SumSqDotRows(ss, dot []float64, x []float64, xs int, y []float64, n, rows int) {
	if len(ss) < rows || len(dot) < rows || len(y) < n {
		panic("vec: SumSqDotRows destination or y too short")
	}
	repeatFit("SumSqDotRows", "x", x, xs, n, rows)
	if rows == 0 {
		return
	}
	if useAsm && n >= 4 && n%4 == 0 {
		sumSqDotRowsAsm(&ss[0], &dot[0], &x[0], &y[0], n, rows, xs)
		return
	}
	for r := 0; r < rows; r++ {
		ss[r], dot[r] = SumSqDot(x[r*xs:r*xs+n], y)
	}
}

// DotRows sets dst[r] = Σ_j a[r·lda + j]·x[j] for r < rows and j < n, each
// sum as SumSqDot's dot (four partial sums, the same bits): the dot
// products of a matrix-vector product y = A·x, four rows of A per pass so
// that x is read once per four rows. It panics if dst is shorter than
// rows, x shorter than n, or the rows of a do not fit at stride lda.
func DotRows(dst, a []float64, lda int, x []float64, n, rows int) {
	if len(dst) < rows || len(x) < n {
		panic("vec: DotRows dst or x too short")
	}
	repeatFit("DotRows", "a", a, lda, n, rows)
	r := 0
	if useAsm && n >= 4 {
		k := n &^ 3
		var p [16]float64
		for ; r+4 <= rows; r += 4 {
			dotRows4Asm(&p, &a[r*lda], lda, &x[0], k)
			for q := range 4 {
				s := p[4*q : 4*q+4]
				row := a[(r+q)*lda : (r+q)*lda+n]
				for j := k; j < n; j++ { // the tail into the first partial sum
					s[0] += row[j] * x[j]
				}
				dst[r+q] = (s[0] + s[1]) + (s[2] + s[3])
			}
		}
	}
	for ; r < rows; r++ {
		_, dst[r] = SumSqDot(a[r*lda:r*lda+n], x)
	}
}

// AxpyRows adds s[r]·a[r·lda + j] to y[j] for j < n, row after row for r <
// rows, each product rounded and then added (no fused multiply-add): the
// sum of scaled rows of y = Aᵀ·x, with the bits of a loop of axpys, four
// rows per pass over y. It panics if y is shorter than n, s shorter than
// rows, or the rows of a do not fit at stride lda.
func AxpyRows(y, s, a []float64, lda, n, rows int) {
	if len(y) < n || len(s) < rows {
		panic("vec: AxpyRows y or s too short")
	}
	repeatFit("AxpyRows", "a", a, lda, n, rows)
	y = y[:n]
	r := 0
	if useAsm && n >= 4 {
		k := n &^ 3
		for ; r+4 <= rows; r += 4 {
			c := (*[4]float64)(s[r : r+4])
			axpyRows4Asm(&y[0], &a[r*lda], lda, c, k)
			for j := k; j < n; j++ {
				v := y[j]
				for q := range 4 {
					v += float64(c[q] * a[(r+q)*lda+j])
				}
				y[j] = v
			}
		}
	}
	for ; r < rows; r++ {
		row, c := a[r*lda:r*lda+n], s[r]
		for j, v := range row {
			y[j] += float64(c * v)
		}
	}
}

// repeatFit panics unless rows rows of n elements at stride s fit in x,
// where a stride of 0 repeats one row.
func repeatFit(fn, operand string, x []float64, s, n, rows int) {
	if n < 0 || rows < 0 || s < 0 || rows > 0 && n > 0 && (rows > 1 && s > 0 && s < n || (rows-1)*s+n > len(x)) {
		// Named here, not by the caller: a concatenation on every call
		// cost 7 % of a small batch.
		panic("vec: " + fn + " " + operand + " rows do not fit")
	}
}

// MulRows sets dst[r·ds + i] = x[r·xs + i]·y[r·ys + i] for r < rows and
// i < n: Mul over rows, where a stride of 0 repeats one row (σ′ of a
// sample against each of its tangent rows), in one call. It panics if the
// rows do not fit, or a stride is neither 0 nor at least n.
func MulRows(dst []float64, ds int, x []float64, xs int, y []float64, ys, n, rows int) {
	mulRows("MulRows", dst, ds, x, xs, y, ys, n, rows, false, false)
}

// AddMulRows sets dst[r·ds + i] += x[r·xs + i]·y[r·ys + i] for r < rows
// and i < n, a row at a time in order of r (so a dst stride of 0 sums the
// rows into one in that order). It panics as MulRows does.
func AddMulRows(dst []float64, ds int, x []float64, xs int, y []float64, ys, n, rows int) {
	mulRows("AddMulRows", dst, ds, x, xs, y, ys, n, rows, true, false)
}

// SelMulRows is MulRows with x selecting: dst[r·ds + i] = x·y where
// x[r·xs + i] ≠ 0 and +0 where it is ±0, whatever y, as PyTorch's backward
// of relu, clamp and hardsigmoid selects (torch.where, not a product): an
// infinite or NaN y gives 0 where the op is flat. It panics as MulRows does.
func SelMulRows(dst []float64, ds int, x []float64, xs int, y []float64, ys, n, rows int) {
	mulRows("SelMulRows", dst, ds, x, xs, y, ys, n, rows, false, true)
}

// AddSelMulRows is AddMulRows with x selecting as in SelMulRows: it adds
// x·y where x ≠ 0 and +0 where x is ±0.
func AddSelMulRows(dst []float64, ds int, x []float64, xs int, y []float64, ys, n, rows int) {
	mulRows("AddSelMulRows", dst, ds, x, xs, y, ys, n, rows, true, true)
}

// mulRows is MulRows, or with acc AddMulRows, with sel their selecting
// forms, named what in its panics.
func mulRows(what string, dst []float64, ds int, x []float64, xs int, y []float64, ys, n, rows int, acc, sel bool) {
	repeatFit(what, "dst", dst, ds, n, rows)
	repeatFit(what, "x", x, xs, n, rows)
	repeatFit(what, "y", y, ys, n, rows)
	if n == 0 || rows == 0 {
		return
	}
	switch {
	case useAsm && sel:
		a := 0
		if acc {
			a = 1
		}
		selMulRowsAsm(&dst[0], &x[0], &y[0], n, rows, ds, xs, ys, a)
		return
	case useAsm:
		f := mulRowsAsm
		if acc {
			f = addMulRowsAsm
		}
		f(&dst[0], &x[0], &y[0], n, rows, ds, xs, ys)
		return
	}
	for r := 0; r < rows; r++ {
		d, a, b := dst[r*ds:][:n], x[r*xs:][:n], y[r*ys:][:n]
		for i := range d {
			p := a[i] * b[i]
			if sel && a[i] == 0 {
				p = 0
			}
			if acc {
				d[i] += p
			} else {
				d[i] = p
			}
		}
	}
}

// AddMul3Rows sets dst[r·ds + i] += (x[r·xs + i]·y[r·ys + i])·z[r·zs + i]
// for r < rows and i < n, as AddMulRows does.
func AddMul3Rows(dst []float64, ds int, x []float64, xs int, y []float64, ys int, z []float64, zs, n, rows int) {
	repeatFit("AddMul3Rows", "dst", dst, ds, n, rows)
	repeatFit("AddMul3Rows", "x", x, xs, n, rows)
	repeatFit("AddMul3Rows", "y", y, ys, n, rows)
	repeatFit("AddMul3Rows", "z", z, zs, n, rows)
	if n == 0 || rows == 0 {
		return
	}
	if useAsm {
		addMul3RowsAsm(&dst[0], &x[0], &y[0], &z[0], n, rows, ds, xs, ys, zs)
		return
	}
	for r := 0; r < rows; r++ {
		d, a, b, c := dst[r*ds:][:n], x[r*xs:][:n], y[r*ys:][:n], z[r*zs:][:n]
		for i := range d {
			d[i] += a[i] * b[i] * c[i]
		}
	}
}

// MulMul3Rows sets dst[r·ds + i] = x[r·xs + i]·y[r·ys + i] +
// (z[r·xs + i]·u[r·us + i])·v[r·vs + i] for r < rows and i < n, or with acc
// adds x·y to dst first, (dst + x·y) + (z·u)·v: MulRows (or AddMulRows)
// followed by AddMul3Rows, with the same roundings in one pass over dst.
// x and z share the stride xs (a sample's σ′ and σ″). It panics as MulRows
// does, and if dst's stride is 0 for more than one row: the two calls
// would add a repeated row's terms in another order.
func MulMul3Rows(dst []float64, ds int, x, z []float64, xs int, y []float64, ys int, u []float64, us int, v []float64, vs, n, rows int, acc bool) {
	if ds == 0 && rows > 1 && n > 0 {
		panic("vec: MulMul3Rows dst rows repeat")
	}
	repeatFit("MulMul3Rows", "dst", dst, ds, n, rows)
	repeatFit("MulMul3Rows", "x", x, xs, n, rows)
	repeatFit("MulMul3Rows", "z", z, xs, n, rows)
	repeatFit("MulMul3Rows", "y", y, ys, n, rows)
	repeatFit("MulMul3Rows", "u", u, us, n, rows)
	repeatFit("MulMul3Rows", "v", v, vs, n, rows)
	if n == 0 || rows == 0 {
		return
	}
	if useAsm {
		f := mulMul3RowsAsm
		if acc {
			f = addMulMul3RowsAsm
		}
		f(&dst[0], &x[0], &y[0], &z[0], &u[0], &v[0], n, rows, ds, xs, ys, us, vs)
		return
	}
	for r := 0; r < rows; r++ {
		d, a, b, c, e, g := dst[r*ds:][:n], x[r*xs:][:n], y[r*ys:][:n], z[r*xs:][:n], u[r*us:][:n], v[r*vs:][:n]
		for i := range d {
			t := a[i] * b[i]
			if acc {
				t = d[i] + t
			}
			d[i] = t + c[i]*e[i]*g[i]
		}
	}
}

// AddRows sets dst[r·ds + i] += x[r·xs + i] for r < rows and i < n, a
// row at a time in order of r: the column matrices' scatter-add of a
// convolution's backward pass, and a bias added to rows (xs = 0) or its
// gradient summed over them (ds = 0). It panics if the rows do not fit, or
// a stride is neither 0 nor at least n.
func AddRows(dst []float64, ds int, x []float64, xs, n, rows int) {
	repeatFit("AddRows", "dst", dst, ds, n, rows)
	repeatFit("AddRows", "x", x, xs, n, rows)
	if n == 0 || rows == 0 {
		return
	}
	if useAsm {
		addRowsAsm(&dst[0], &x[0], n, rows, ds, xs)
		return
	}
	for r := 0; r < rows; r++ {
		d, s := dst[r*ds:][:n], x[r*xs:][:n]
		for i, v := range s {
			d[i] += v
		}
	}
}

// OuterRows sets dst[r·ds + i] = (alpha·a[r·as])·b[i] + 0 for r < rows and
// i < n: the rank-one product α·a·bᵀ over cleared rows, in one call rather
// than a clear and an axpy per row. The +0 is the cleared entry: it turns
// a product of −0 into +0, as accumulating onto zeros does (and as the
// products' kernels do with β = 0), and changes nothing else. It panics if
// the rows do not fit, or a stride is neither 0 nor at least n (1 for a).
func OuterRows(dst []float64, ds int, a []float64, as int, alpha float64, b []float64, n, rows int) {
	repeatFit("OuterRows", "dst", dst, ds, n, rows)
	repeatFit("OuterRows", "a", a, as, 1, rows)
	repeatFit("OuterRows", "b", b, 0, n, rows)
	if n == 0 || rows == 0 {
		return
	}
	if useAsm {
		outerRowsAsm(&dst[0], &a[0], &b[0], n, rows, ds, as, alpha)
		return
	}
	for r := 0; r < rows; r++ {
		d, s := dst[r*ds:][:n], alpha*a[r*as]
		for i, v := range b[:n] {
			d[i] = s*v + 0
		}
	}
}

// CopyRows sets dst[r·ds + i] = x[r·xs + i] for r < rows and i < n, as
// AddRows does. Runs of a few dozen elements are too short for copy's call
// to pay.
func CopyRows(dst []float64, ds int, x []float64, xs, n, rows int) {
	repeatFit("CopyRows", "dst", dst, ds, n, rows)
	repeatFit("CopyRows", "x", x, xs, n, rows)
	if n == 0 || rows == 0 {
		return
	}
	if useAsm {
		copyRowsAsm(&dst[0], &x[0], n, rows, ds, xs)
		return
	}
	for r := 0; r < rows; r++ {
		copy(dst[r*ds:][:n], x[r*xs:][:n])
	}
}

// Relu sets y[i] and d1[i] to relu(x[i]) and its derivative for i < len(x):
// x[i] and 1 where x[i] > 0 or x[i] is NaN, +0 and 0 elsewhere (−0
// included). It panics if y or d1 is shorter than x.
func Relu(y, d1, x []float64) {
	n := len(x)
	if len(y) < n || len(d1) < n {
		panic("vec: Relu operand shorter than x")
	}
	if n == 0 {
		return
	}
	if useAsm {
		reluAsm(&y[0], &d1[0], &x[0], n)
		return
	}
	y, d1 = y[:n], d1[:n]
	for e, v := range x {
		if v > 0 || v != v {
			y[e], d1[e] = v, 1
		} else {
			y[e], d1[e] = 0, 0
		}
	}
}

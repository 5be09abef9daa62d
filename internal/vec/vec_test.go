package vec

import (
	"fmt"
	"github.com/dualgrad/dualgrad/internal/realfn"
	"math"
	"math/rand/v2"
	"testing"
)

// operands returns four slices of n values each, starting at off within
// their backing arrays (so that the loops meet every alignment), mixing
// ordinary values with the special ones whose products the lanes must
// round exactly as the scalar code does.
func operands(rng *rand.Rand, n, off int) [4][]float64 {
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
		5e-324, math.MaxFloat64, 1e-160, 1e160, -1}
	var s [4][]float64
	for k := range s {
		b := make([]float64, off+n)
		for i := range b {
			if rng.IntN(8) == 0 {
				b[i] = special[rng.IntN(len(special))]
			} else {
				b[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-3))
			}
		}
		s[k] = b[off:]
	}
	return s
}

// eachOperands calls f with fresh operands for every length from 0 to 70
// and every alignment from 0 to 3: the groups of 16 and of 4 and every
// tail, at every offset into a cache line's worth of floats.
func eachOperands(rng *rand.Rand, f func(n, off int, s [4][]float64)) {
	for n := 0; n <= 70; n++ {
		for off := 0; off < 4; off++ {
			f(n, off, operands(rng, n, off))
		}
	}
}

func same(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) || a != a && b != b }

// TestKernels checks Mul, AddMul and AddMul3 bit for bit against the
// scalar expressions they stand for, over lengths 0 to 70 and four
// alignments, with infinities, NaNs, zeros of both signs and products
// that overflow or are subnormal.
func TestKernels(t *testing.T) {
	eachOperands(rand.New(rand.NewPCG(3, 7)), func(n, off int, s [4][]float64) {
		dst, x, y, z := s[0], s[1], s[2], s[3]
		for _, k := range []struct {
			name string
			run  func(d []float64)
			want func(d0 float64, i int) float64
		}{
			{"Mul", func(d []float64) { Mul(d, x, y) }, func(_ float64, i int) float64 { return x[i] * y[i] }},
			{"AddMul", func(d []float64) { AddMul(d, x, y) }, func(d0 float64, i int) float64 { return d0 + x[i]*y[i] }},
			{"AddMul3", func(d []float64) { AddMul3(d, x, y, z) }, func(d0 float64, i int) float64 { return d0 + x[i]*y[i]*z[i] }},
		} {
			d := append([]float64(nil), dst...)
			k.run(d)
			for i := range d {
				if w := k.want(dst[i], i); !same(d[i], w) {
					t.Fatalf("%s n=%d off=%d: [%d] = %v, want %v", k.name, n, off, i, d[i], w)
				}
			}
		}
	})
}

// TestLonger checks that operands longer than dst are read only as far as
// dst goes, and that a shorter operand panics.
func TestLonger(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5, 6, 7}
	y := []float64{2, 2, 2, 2, 2, 2, 2}
	d := make([]float64, 5)
	Mul(d, x, y)
	for i, v := range d {
		if v != 2*x[i] {
			t.Fatalf("Mul: [%d] = %v, want %v", i, v, 2*x[i])
		}
	}
	for _, f := range []func(){
		func() { Mul(make([]float64, 8), x, y) },
		func() { AddMul(make([]float64, 8), x, y) },
		func() { AddMul3(make([]float64, 8), x, y, x) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic for an operand shorter than dst")
				}
			}()
			f()
		}()
	}
}

// ordinary returns four slices of n standard normal values: no special
// values, whose subnormal products would time the microcode.
func ordinary(n int) [4][]float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	var s [4][]float64
	for k := range s {
		s[k] = make([]float64, n)
		for i := range s[k] {
			s[k][i] = rng.NormFloat64()
		}
	}
	return s
}

func BenchmarkAddMul3(b *testing.B) {
	for _, n := range []int{16, 64, 784} {
		s := ordinary(n)
		b.Run(itoa(n), func(b *testing.B) {
			b.SetBytes(int64(32 * n))
			for i := 0; i < b.N; i++ {
				AddMul3(s[0], s[1], s[2], s[3])
			}
		})
	}
}

func BenchmarkMul(b *testing.B) {
	for _, n := range []int{16, 64, 784} {
		s := ordinary(n)
		b.Run(itoa(n), func(b *testing.B) {
			b.SetBytes(int64(24 * n))
			for i := 0; i < b.N; i++ {
				Mul(s[0], s[1], s[2])
			}
		})
	}
}

// BenchmarkAddMul3Rows is σ″ ⊙ ẋ ⊙ w over one sample's tangent rows on the
// small case's hidden layer, 4 rows of 32 with σ″ repeated, in one call
// ("rows") and one call a row ("each"), as unaryOp.reverse2 did before.
func BenchmarkAddMul3Rows(b *testing.B) {
	const n, rows = 32, 4
	s := ordinary(n * rows)
	b.Run("rows", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			AddMul3Rows(s[0], n, s[1], 0, s[2], n, s[3], n, n, rows)
		}
	})
	b.Run("each", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for r := 0; r < rows; r++ {
				AddMul3(s[0][r*n:(r+1)*n], s[1][:n], s[2][r*n:], s[3][r*n:])
			}
		}
	})
}

// BenchmarkAddRows adds 24 runs of 24 into rows 26 apart, as col2im does
// for one kernel offset of a 3 × 3 convolution over 26 × 26.
func BenchmarkAddRows(b *testing.B) {
	dst, x := make([]float64, 26*26), ordinary(24 * 24)[0]
	b.SetBytes(int64(24 * 24 * 24))
	for i := 0; i < b.N; i++ {
		AddRows(dst, 26, x, 24, 24, 24)
	}
}

// BenchmarkCopyRows is BenchmarkAddRows for im2col's copies.
func BenchmarkCopyRows(b *testing.B) {
	dst, x := make([]float64, 24*24), ordinary(26 * 26)[0]
	b.SetBytes(int64(16 * 24 * 24))
	for i := 0; i < b.N; i++ {
		CopyRows(dst, 24, x, 26, 24, 24)
	}
}

func BenchmarkRelu(b *testing.B) {
	for _, n := range []int{64, 784, 36864} {
		s := ordinary(n)
		b.Run(itoa(n), func(b *testing.B) {
			b.SetBytes(int64(24 * n))
			for i := 0; i < b.N; i++ {
				Relu(s[0], s[1], s[2])
			}
		})
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// TestTanhUnits checks TanhUnits bit for bit against realfn.Unit of
// realfn.Tanh, over every length to 70 (so every split into groups of
// eight, of four and a tail) and 200,000 random points: ordinary values at
// several scales, the two branch points 0.625 and ½·log(2¹²⁷) and their
// neighbours, signed zeros, subnormals, infinities and NaN, which the
// assembly leaves to Go; with the AVX-512 kernel where the machine has
// it, and with the AVX2 one alone.
func TestTanhUnits(t *testing.T) {
	for _, wide := range []bool{useTanhAsm512, false} {
		func() {
			defer func(u bool) { useTanhAsm512 = u }(useTanhAsm512)
			useTanhAsm512 = wide
			testTanhUnits(t)
		}()
	}
}

func testTanhUnits(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	lim := 0.5 * 8.8029691931113054295988e+01 // math.Tanh's bound, as in realfn
	special := []float64{0, math.Copysign(0, -1), 0.625, math.Nextafter(0.625, 0), math.Nextafter(0.625, 1),
		lim, math.Nextafter(lim, 0), math.Nextafter(lim, 100), 5e-324, 1e-310, 1e-160, 1e-8,
		math.Inf(1), math.Inf(-1), math.NaN(), 300, 400, 710, 0.3125, 1.25, 2}
	point := func() float64 {
		var v float64
		switch rng.IntN(4) {
		case 0:
			v = special[rng.IntN(len(special))]
		case 1:
			v = rng.NormFloat64()
		case 2:
			v = rng.NormFloat64() * 10
		default:
			v = (rng.Float64()*2 - 1) * 0.7
		}
		if rng.IntN(2) == 0 {
			v = -v
		}
		return v
	}
	check := func(x []float64) {
		y, d1, d2 := make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x))
		TanhUnits(y, d1, d2, x)
		for i, v := range x {
			f, e1, e2, _ := realfn.Unit(realfn.Tanh(v))
			if !same(y[i], f) || !same(d1[i], e1) || !same(d2[i], e2) {
				t.Fatalf("x = %v (%#x, element %d of %d): %v %v %v, realfn %v %v %v",
					v, math.Float64bits(v), i, len(x), y[i], d1[i], d2[i], f, e1, e2)
			}
			if math.Float64bits(y[i]) != math.Float64bits(f) {
				t.Fatalf("x = %v: tanh %#x, realfn %#x (signed zero)", v, math.Float64bits(y[i]), math.Float64bits(f))
			}
		}
	}
	for n := 0; n <= 70; n++ {
		x := make([]float64, n)
		for i := range x {
			x[i] = point()
		}
		check(x)
	}
	x := make([]float64, 200000)
	for i := range x {
		x[i] = point()
	}
	check(x)
	// Every value between the branch points' neighbours, densely.
	for _, c := range []float64{0.625, lim} {
		x := make([]float64, 4096)
		v := c
		for k := 0; k < 2048; k++ {
			v = math.Nextafter(v, 0)
		}
		for i := range x {
			x[i], v = v, math.Nextafter(v, 100)
		}
		check(x)
	}
}

// BenchmarkTanhUnits times standard normal points, about half of them
// below 0.625 (most groups of four take both branches), and points of
// standard deviation 0.25, as a trained layer's pre-activations often are
// (most groups take the rational branch alone); with the AVX-512 kernel
// where the machine has it ("wide") and with the AVX2 one alone.
func BenchmarkTanhUnits(b *testing.B) {
	for _, wide := range []bool{useTanhAsm512, false} {
		for _, sd := range []float64{1, 0.25} {
			s := ordinary(1024)
			for i := range s[0] {
				s[0][i] *= sd
			}
			b.Run(fmt.Sprintf("wide=%v/sd=%g", wide, sd), func(b *testing.B) {
				defer func(u bool) { useTanhAsm512 = u }(useTanhAsm512)
				useTanhAsm512 = wide
				b.SetBytes(8 * 1024)
				for i := 0; i < b.N; i++ {
					TanhUnits(s[1], s[2], s[3], s[0])
				}
			})
		}
	}
}

func BenchmarkTanhUnitsScalar(b *testing.B) {
	s := ordinary(1024)
	x := s[0]
	b.SetBytes(8 * 1024)
	for i := 0; i < b.N; i++ {
		for e, v := range x {
			s[1][e], s[2][e], s[3][e], _ = realfn.Unit(realfn.Tanh(v))
		}
	}
}

// TestQuotientPair checks QuotientPair bit for bit against its scalar
// expressions, over lengths 0 to 70, four alignments and the special
// values of operands, with coefficients of several scales.
func TestQuotientPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	eachOperands(rng, func(n, off int, s [4][]float64) {
		dg, du, u, g := s[0], s[1], s[2], s[3]
		inv, a, b, c := rng.NormFloat64(), rng.NormFloat64()*1e3, rng.NormFloat64()*1e-3, rng.Float64()
		gotG, gotU := append([]float64(nil), dg...), append([]float64(nil), du...)
		QuotientPair(gotG, gotU, u, g, inv, a, b, c)
		for k := range u {
			h := u[k] * inv
			wg := dg[k] + a*(h-c*g[k])
			wu := b * (g[k] - c*h)
			if !same(gotG[k], wg) || !same(gotU[k], wu) {
				t.Fatalf("n=%d off=%d k=%d: %v %v, want %v %v", n, off, k, gotG[k], gotU[k], wg, wu)
			}
		}
	})
}

// TestSumSqDot checks SumSqDot bit for bit against four partial sums
// written out, over lengths 0 to 70 and four alignments, ordinary values
// at several scales and the special ones.
func TestSumSqDot(t *testing.T) {
	eachOperands(rand.New(rand.NewPCG(6, 10)), func(n, off int, s [4][]float64) {
		x, y := s[0], s[1]
		var ws, wd [4]float64
		for k := range x {
			l := k % 4
			if k >= n&^3 {
				l = 0 // the tail goes into the first partial sum
			}
			ws[l] += x[k] * x[k]
			wd[l] += x[k] * y[k]
		}
		gs, gd := SumSqDot(x, y)
		if !same(gs, (ws[0]+ws[1])+(ws[2]+ws[3])) || !same(gd, (wd[0]+wd[1])+(wd[2]+wd[3])) {
			t.Fatalf("n=%d off=%d: %v %v, want %v %v", n, off, gs, gd, (ws[0]+ws[1])+(ws[2]+ws[3]), (wd[0]+wd[1])+(wd[2]+wd[3]))
		}
	})
}

// TestSumSqDotRows checks SumSqDotRows bit for bit against SumSqDot on
// each row (itself checked above), for every length to 70, one to five
// rows at strides n to n + 3 or 0 (one row repeated) and the special
// values of operands; it must write rows entries and no more.
func TestSumSqDotRows(t *testing.T) {
	eachOperands(rand.New(rand.NewPCG(6, 11)), func(n, off int, s [4][]float64) {
		y := s[1]
		for rows := 1; rows <= 5; rows++ {
			for gap := -1; gap <= 3; gap++ {
				xs := n + gap
				if gap < 0 {
					xs = 0
				}
				x := operands(rand.New(rand.NewPCG(uint64(n), uint64(rows))), (rows-1)*xs+n, off)[0]
				ss, dot := make([]float64, rows+1), make([]float64, rows+1)
				ss[rows], dot[rows] = 7, 7 // beyond the rows: must stay
				SumSqDotRows(ss, dot, x, xs, y, n, rows)
				for r := 0; r < rows; r++ {
					ws, wd := SumSqDot(x[r*xs:r*xs+n], y)
					if !same(ss[r], ws) || !same(dot[r], wd) {
						t.Fatalf("n=%d off=%d rows=%d xs=%d row %d: %v %v, want %v %v", n, off, rows, xs, r, ss[r], dot[r], ws, wd)
					}
				}
				if ss[rows] != 7 || dot[rows] != 7 {
					t.Fatalf("n=%d rows=%d xs=%d: wrote beyond the rows", n, rows, xs)
				}
			}
		}
	})
}

// TestDotAxpyRows checks DotRows against SumSqDot's dot on each row and
// AxpyRows against a row-by-row loop of rounded products and sums, bit for
// bit, for every length to 70, zero to nine rows (groups of four and the
// rest), strides n to n + 3 or 0 and the special values of operands; they
// must write nothing beyond the rows and the n entries.
func TestDotAxpyRows(t *testing.T) {
	eachOperands(rand.New(rand.NewPCG(6, 12)), func(n, off int, s [4][]float64) {
		x := s[1]
		for rows := 0; rows <= 9; rows++ {
			for gap := -1; gap <= 3; gap++ {
				lda := n + gap
				if gap < 0 {
					lda = 0
				}
				rng := rand.New(rand.NewPCG(uint64(n), uint64(rows)))
				a := operands(rng, max(0, (rows-1)*lda+n), off)[0]
				sc := operands(rng, rows, 0)[2]
				dst := make([]float64, rows+1)
				dst[rows] = 7 // beyond the rows: must stay
				DotRows(dst, a, lda, x, n, rows)
				for r := 0; r < rows; r++ {
					if _, want := SumSqDot(a[r*lda:r*lda+n], x); !same(dst[r], want) {
						t.Fatalf("DotRows n=%d off=%d rows=%d lda=%d row %d: %v, want %v", n, off, rows, lda, r, dst[r], want)
					}
				}
				if dst[rows] != 7 {
					t.Fatalf("DotRows n=%d rows=%d: wrote beyond the rows", n, rows)
				}
				y := append(append([]float64(nil), s[3]...), 7) // y[n] = 7 must stay
				want := append([]float64(nil), y...)
				for r := 0; r < rows; r++ {
					for j := 0; j < n; j++ {
						p := sc[r] * a[r*lda+j]
						want[j] += p
					}
				}
				AxpyRows(y, sc, a, lda, n, rows)
				for j := range y {
					if !same(y[j], want[j]) {
						t.Fatalf("AxpyRows n=%d off=%d rows=%d lda=%d: y[%d] = %v, want %v", n, off, rows, lda, j, y[j], want[j])
					}
				}
			}
		}
	})
}

// TestRows checks AddRows and CopyRows bit for bit against the scalar
// loops, for every run length to 70, one to three rows, strides of n to
// n + 5 (so that rows start at every alignment) or 0 for dst or x (one
// row repeated, a repeated dst row summing in row order) and the special
// values of operands; the elements between runs must stay untouched.
func TestRows(t *testing.T) {
	eachOperands(rand.New(rand.NewPCG(8, 2)), func(n, off int, s [4][]float64) {
		for rows := 1; rows <= 3; rows++ {
			for gap := 0; gap <= 5; gap++ {
				for zero := 0; zero < 3; zero++ { // none, dst or x repeats one row
					ds, xs := n+gap, n+(gap+off)%6
					switch zero {
					case 1:
						ds = 0
					case 2:
						xs = 0
					}
					dst := operands(rand.New(rand.NewPCG(uint64(n), uint64(gap))), (rows-1)*ds+n, off)[0]
					x := operands(rand.New(rand.NewPCG(uint64(rows), uint64(n))), (rows-1)*xs+n, 0)[1]
					add, cp := append([]float64(nil), dst...), append([]float64(nil), dst...)
					AddRows(add, ds, x, xs, n, rows)
					CopyRows(cp, ds, x, xs, n, rows)
					wantAdd, wantCp := append([]float64(nil), dst...), append([]float64(nil), dst...)
					for r := 0; r < rows; r++ { // in order: a repeated dst row sums them
						for i := 0; i < n; i++ {
							wantAdd[r*ds+i] += x[r*xs+i]
							wantCp[r*ds+i] = x[r*xs+i]
						}
					}
					for e := range dst {
						if !same(add[e], wantAdd[e]) || !same(cp[e], wantCp[e]) {
							t.Fatalf("n=%d rows=%d ds=%d xs=%d: [%d] add %v copy %v, want %v and %v", n, rows, ds, xs, e, add[e], cp[e], wantAdd[e], wantCp[e])
						}
					}
				}
			}
		}
	})
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"short dst", func() { AddRows(make([]float64, 9), 5, make([]float64, 10), 5, 5, 2) }},
		{"short x", func() { CopyRows(make([]float64, 10), 5, make([]float64, 9), 5, 5, 2) }},
		{"stride below n", func() { AddRows(make([]float64, 10), 4, make([]float64, 10), 5, 5, 2) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			c.f()
		}()
	}
}

// selMul is x·y, or +0 where x is ±0: the selecting kernels' element.
func selMul(x, y float64) float64 {
	if x == 0 {
		return 0
	}
	return x * y
}

// TestMulRows checks MulRows, AddMulRows, their selecting forms and
// AddMul3Rows bit for bit against the scalar expressions they stand for, a
// row at a time in order, over lengths 0 to 70, 1 to 3 rows, gaps between
// rows, and strides of 0 (a repeated row) for each operand in turn, dst's
// included, with the special values of operands. (Dropping the mask of
// the accumulating 8-element step of selMulRowsAsm makes it fail, checked.)
func TestMulRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	for n := 0; n <= 70; n++ {
		for rows := 1; rows <= 3; rows++ {
			for gap := 0; gap <= 2; gap++ {
				for zero := -1; zero < 4; zero++ { // the operand with stride 0, if any
					var st [4]int
					var op [4][]float64
					for k := range st {
						st[k] = n + (gap+k)%3
						if k == zero {
							st[k] = 0
						}
						op[k] = operands(rng, max(1, (rows-1)*st[k]+n), k%4)[k]
					}
					for _, c := range []struct {
						name string
						run  func(d []float64)
						want func(d float64, r, i int) float64
					}{
						{"MulRows", func(d []float64) { MulRows(d, st[0], op[1], st[1], op[2], st[2], n, rows) },
							func(_ float64, r, i int) float64 { return op[1][r*st[1]+i] * op[2][r*st[2]+i] }},
						{"AddMulRows", func(d []float64) { AddMulRows(d, st[0], op[1], st[1], op[2], st[2], n, rows) },
							func(d float64, r, i int) float64 { return d + op[1][r*st[1]+i]*op[2][r*st[2]+i] }},
						// The selecting forms: +0 wherever x is ±0, even
						// against an infinite or NaN y (operands has both).
						{"SelMulRows", func(d []float64) { SelMulRows(d, st[0], op[1], st[1], op[2], st[2], n, rows) },
							func(_ float64, r, i int) float64 { return selMul(op[1][r*st[1]+i], op[2][r*st[2]+i]) }},
						{"AddSelMulRows", func(d []float64) { AddSelMulRows(d, st[0], op[1], st[1], op[2], st[2], n, rows) },
							func(d float64, r, i int) float64 { return d + selMul(op[1][r*st[1]+i], op[2][r*st[2]+i]) }},
						{"AddMul3Rows", func(d []float64) { AddMul3Rows(d, st[0], op[1], st[1], op[2], st[2], op[3], st[3], n, rows) },
							func(d float64, r, i int) float64 {
								return d + op[1][r*st[1]+i]*op[2][r*st[2]+i]*op[3][r*st[3]+i]
							}},
					} {
						got := append([]float64(nil), op[0]...)
						c.run(got)
						want := append([]float64(nil), op[0]...)
						for r := 0; r < rows; r++ {
							for i := 0; i < n; i++ {
								e := r*st[0] + i
								want[e] = c.want(want[e], r, i)
							}
						}
						for e := range got {
							if !same(got[e], want[e]) {
								t.Fatalf("%s n=%d rows=%d strides %v: [%d] = %v, want %v", c.name, n, rows, st, e, got[e], want[e])
							}
						}
					}
				}
			}
		}
	}
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"short dst", func() { MulRows(make([]float64, 9), 5, make([]float64, 10), 5, make([]float64, 10), 5, 5, 2) }},
		{"short y", func() { AddMulRows(make([]float64, 10), 5, make([]float64, 10), 5, make([]float64, 9), 5, 5, 2) }},
		{"short z", func() {
			AddMul3Rows(make([]float64, 10), 5, make([]float64, 5), 0, make([]float64, 10), 5, make([]float64, 4), 0, 5, 2)
		}},
		{"stride below n", func() { MulRows(make([]float64, 10), 4, make([]float64, 10), 5, make([]float64, 10), 5, 5, 2) }},
		{"short x, selecting", func() { SelMulRows(make([]float64, 10), 5, make([]float64, 9), 5, make([]float64, 10), 5, 5, 2) }},
		{"short dst, selecting", func() { AddSelMulRows(make([]float64, 9), 5, make([]float64, 10), 5, make([]float64, 10), 5, 5, 2) }},
		{"negative stride", func() { MulRows(make([]float64, 10), 5, make([]float64, 10), -5, make([]float64, 10), 5, 5, 1) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			c.f()
		}()
	}
}

// TestOuterRows checks OuterRows bit for bit against its scalar
// expression, (alpha·a)·b + 0, over lengths 0 to 70, 1 to 3 rows, gaps
// between rows of dst, strides of a from 0 (one entry repeated) to 3, and
// alphas including ±0, infinities and NaN, with the special values of
// operands: a product of −0 must come out +0, and the entries between
// dst's rows must stay untouched.
func TestOuterRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 12))
	alphas := []float64{1, -2.5, 0, math.Copysign(0, -1), math.Inf(1), math.NaN(), 1e300, 1e-300}
	for n := 0; n <= 70; n++ {
		for rows := 1; rows <= 3; rows++ {
			for gap := 0; gap <= 2; gap++ {
				for as := 0; as <= 3; as++ {
					ds := n + gap
					dst := operands(rng, (rows-1)*ds+n, gap)[0]
					a := operands(rng, (rows-1)*as+1, 0)[1]
					b := operands(rng, n, as%2)[2]
					alpha := alphas[rng.IntN(len(alphas))]
					got := append([]float64(nil), dst...)
					OuterRows(got, ds, a, as, alpha, b, n, rows)
					want := append([]float64(nil), dst...)
					for r := 0; r < rows; r++ {
						for i := 0; i < n; i++ {
							want[r*ds+i] = alpha*a[r*as]*b[i] + 0
						}
					}
					for e := range got {
						if !same(got[e], want[e]) {
							t.Fatalf("n=%d rows=%d ds=%d as=%d alpha=%v: [%d] = %v, want %v", n, rows, ds, as, alpha, e, got[e], want[e])
						}
					}
					for r := 0; r < rows; r++ { // the +0, whatever the reference compiles to
						for i := 0; i < n; i++ {
							if v := got[r*ds+i]; v == 0 && math.Signbit(v) {
								t.Fatalf("n=%d rows=%d: row %d [%d] = −0, want +0", n, rows, r, i)
							}
						}
					}
				}
			}
		}
	}
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"short dst", func() { OuterRows(make([]float64, 9), 5, make([]float64, 2), 1, 1, make([]float64, 5), 5, 2) }},
		{"short a", func() { OuterRows(make([]float64, 10), 5, make([]float64, 2), 2, 1, make([]float64, 5), 5, 2) }},
		{"short b", func() { OuterRows(make([]float64, 10), 5, make([]float64, 2), 1, 1, make([]float64, 4), 5, 2) }},
		{"stride below n", func() { OuterRows(make([]float64, 10), 4, make([]float64, 2), 1, 1, make([]float64, 5), 5, 2) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			c.f()
		}()
	}
}

// TestMulMul3Rows checks MulMul3Rows bit for bit against the two calls it
// fuses, MulRows (or AddMulRows) then AddMul3Rows, over lengths 0 to 70, 1
// to 3 rows, gaps between rows and strides of 0 for σ′ and σ″ (x and z)
// and for v, with the special values of operands; and that it refuses a
// repeated dst row, whose sums the two calls would order differently.
func TestMulMul3Rows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 3))
	for n := 0; n <= 70; n++ {
		for rows := 1; rows <= 3; rows++ {
			for gap := 0; gap <= 2; gap++ {
				for zero := -1; zero < 2; zero++ { // none, x and z, v
					for _, acc := range []bool{false, true} {
						ds, xs, ys, us, vs := n+gap, n+(gap+1)%3, n+(gap+2)%3, n+gap, n+(gap+1)%3
						switch zero {
						case 0:
							xs = 0
						case 1:
							vs = 0
						}
						op := func(s, k int) []float64 { return operands(rng, max(1, (rows-1)*s+n), k%4)[k%4] }
						dst, x, y, z, u, v := op(ds, 0), op(xs, 1), op(ys, 2), op(xs, 3), op(us, 4), op(vs, 5)
						got, want := append([]float64(nil), dst...), append([]float64(nil), dst...)
						MulMul3Rows(got, ds, x, z, xs, y, ys, u, us, v, vs, n, rows, acc)
						if acc {
							AddMulRows(want, ds, x, xs, y, ys, n, rows)
						} else {
							MulRows(want, ds, x, xs, y, ys, n, rows)
						}
						AddMul3Rows(want, ds, z, xs, u, us, v, vs, n, rows)
						for e := range got {
							if !same(got[e], want[e]) {
								t.Fatalf("n=%d rows=%d strides %d %d %d %d %d acc %v: [%d] = %v, want %v",
									n, rows, ds, xs, ys, us, vs, acc, e, got[e], want[e])
							}
						}
					}
				}
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a repeated dst row: no panic")
		}
	}()
	b := make([]float64, 4)
	MulMul3Rows(b, 0, b, b, 0, b, 0, b, 0, b, 0, 4, 2, true)
}

// TestRelu checks Relu bit for bit against the branch it stands for,
// relu(x) = x and relu′(x) = 1 for x > 0 or NaN, +0 and 0 otherwise (at −0
// and +0 as well: PyTorch's relu′(0) = 0), over every length to 70 and
// four alignments with the special values of operands.
func TestRelu(t *testing.T) {
	eachOperands(rand.New(rand.NewPCG(4, 4)), func(n, off int, s [4][]float64) {
		y, d1, x := s[0], s[1], s[2]
		Relu(y, d1, x)
		for e, v := range x {
			wy, wd := 0.0, 0.0
			if v > 0 || v != v {
				wy, wd = v, 1
			}
			if !same(y[e], wy) || math.Float64bits(d1[e]) != math.Float64bits(wd) ||
				v != v && math.Float64bits(y[e]) != math.Float64bits(v) {
				t.Fatalf("n=%d off=%d: relu(%v) = %v, %v; want %v, %v", n, off, v, y[e], d1[e], wy, wd)
			}
		}
	})
}

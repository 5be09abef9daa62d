package ops

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
)

func init() {
	conv := func(a ConvAttrs) func() graph.Op { return func() graph.Op { return Conv(a) } }
	convT := func(a ConvTransposeAttrs) func() graph.Op { return func() graph.Op { return ConvTranspose(a) } }
	weights, input, none := []bool{false, true, true}, []bool{true, false, false}, []bool(nil)
	for _, c := range []struct {
		name   string
		op     func() graph.Op
		in     []graph.Shape
		shared []bool
	}{
		{"Conv/1d-g2-d2-s2-asympad", conv(ConvAttrs{Strides: []int{2}, Dilations: []int{2}, Pads: []int{1, 2}, Group: 2}),
			[]graph.Shape{{1, 4, 9}, {6, 2, 3}, {6}}, weights},
		{"Conv/1d-shared-input", conv(ConvAttrs{Pads: []int{0, 1}}), []graph.Shape{{1, 2, 6}, {3, 2, 2}, {3}}, input},
		{"Conv/1d-per-sample", conv(ConvAttrs{Strides: []int{2}, Group: 2}), []graph.Shape{{1, 2, 7}, {4, 1, 3}, {4}}, none},
		{"Conv/2d", conv(ConvAttrs{Strides: []int{1, 2}, Pads: []int{1, 0, 2, 1}}), []graph.Shape{{1, 2, 6, 5}, {3, 2, 3, 2}, {3}}, weights},
		{"Conv/2d-batch-g2-d2", conv(ConvAttrs{Dilations: []int{2, 1}, Group: 2}), []graph.Shape{{2, 4, 5, 5}, {4, 2, 2, 2}}, []bool{false, true}},
		{"Conv/2d-weight-tangent-rows", conv(ConvAttrs{Pads: []int{1, 1, 1, 1}}), []graph.Shape{{1, 2, 4, 4}, {3, 2, 3, 3}, {3}}, []bool{false, false, true}},
		{"Conv/2d-shared-input-and-weight", conv(ConvAttrs{Strides: []int{2, 2}}), []graph.Shape{{1, 2, 5, 5}, {2, 2, 2, 2}, {2}}, []bool{true, true, false}},
		{"Conv/2d-depthwise", conv(ConvAttrs{Group: 3, Pads: []int{1, 1, 1, 1}}), []graph.Shape{{1, 3, 4, 4}, {3, 1, 3, 3}, {3}}, weights},
		{"Conv/3d", conv(ConvAttrs{Pads: []int{1, 0, 0, 0, 1, 1}}), []graph.Shape{{1, 2, 3, 3, 3}, {2, 2, 2, 2, 2}, {2}}, weights},
		{"ConvTranspose/1d-s2-op1-g2-d2", convT(ConvTransposeAttrs{Strides: []int{2}, OutputPadding: []int{1}, Group: 2, Dilations: []int{2}, Pads: []int{1, 1}}),
			[]graph.Shape{{1, 4, 5}, {4, 3, 3}, {6}}, weights},
		{"ConvTranspose/1d-shared-input", convT(ConvTransposeAttrs{Strides: []int{3}, Pads: []int{2, 0}}), []graph.Shape{{1, 2, 4}, {2, 2, 3}, {2}}, input},
		{"ConvTranspose/2d-batch-asympad", convT(ConvTransposeAttrs{Strides: []int{2, 1}, Pads: []int{1, 0, 0, 2}, OutputPadding: []int{1, 0}}),
			[]graph.Shape{{2, 2, 3, 4}, {2, 3, 2, 3}, {3}}, weights},
		{"ConvTranspose/2d-output-shape", convT(ConvTransposeAttrs{Strides: []int{2, 2}, OutputPadding: []int{0, 1}, Group: 2, OutputShape: []int{6, 7}}),
			[]graph.Shape{{1, 2, 3, 3}, {2, 2, 3, 3}, {4}}, weights},
		{"ConvTranspose/2d-per-sample", convT(ConvTransposeAttrs{Strides: []int{2, 2}}), []graph.Shape{{1, 2, 2, 3}, {2, 2, 2, 2}}, none},
		{"ConvTranspose/2d-weight-tangent-rows", convT(ConvTransposeAttrs{Dilations: []int{2, 2}}), []graph.Shape{{1, 3, 3, 3}, {3, 2, 2, 2}, {2}}, []bool{false, false, true}},
	} {
		opCases = append(opCases, opCase{name: c.name, op: c.op, in: c.in, shared: c.shared})
	}

	ints := func(c *fixtureCase, name string) ([]int, error) {
		var v []int
		_, err := c.attr(name, &v)
		return v, err
	}
	fixtureBuilders["Conv"] = func(c *fixtureCase) (graph.Op, error) {
		var a ConvAttrs
		var err error
		for _, f := range []struct {
			name string
			dst  *[]int
		}{{"kernel_shape", &a.KernelShape}, {"strides", &a.Strides}, {"pads", &a.Pads}, {"dilations", &a.Dilations}} {
			if *f.dst, err = ints(c, f.name); err != nil {
				return nil, err
			}
		}
		if _, err := c.attr("group", &a.Group); err != nil {
			return nil, err
		}
		return Conv(a), nil
	}
	fixtureBuilders["ConvTranspose"] = func(c *fixtureCase) (graph.Op, error) {
		var a ConvTransposeAttrs
		var err error
		for _, f := range []struct {
			name string
			dst  *[]int
		}{{"kernel_shape", &a.KernelShape}, {"strides", &a.Strides}, {"pads", &a.Pads}, {"dilations", &a.Dilations},
			{"output_padding", &a.OutputPadding}, {"output_shape", &a.OutputShape}} {
			if *f.dst, err = ints(c, f.name); err != nil {
				return nil, err
			}
		}
		if _, err := c.attr("group", &a.Group); err != nil {
			return nil, err
		}
		return ConvTranspose(a), nil
	}
}

func TestConvInitErrors(t *testing.T) {
	for _, c := range []struct {
		op   graph.Op
		in   []graph.Shape
		want string
	}{
		{Conv(ConvAttrs{}), []graph.Shape{{1, 2, 5}}, "has 1 inputs"},
		{Conv(ConvAttrs{}), []graph.Shape{{2, 5}, {3, 2}}, "at least one spatial dimension"},
		{Conv(ConvAttrs{}), []graph.Shape{{1, 2, 5}, {3, 2, 2, 2}}, "want 3 dimensions"},
		{Conv(ConvAttrs{AutoPad: "SAME_UPPER"}), []graph.Shape{{1, 2, 5}, {3, 2, 2}}, "auto_pad"},
		{Conv(ConvAttrs{KernelShape: []int{3}}), []graph.Shape{{1, 2, 5}, {3, 2, 2}}, "kernel_shape"},
		{Conv(ConvAttrs{Strides: []int{1, 1}}), []graph.Shape{{1, 2, 5}, {3, 2, 2}}, "strides"},
		{Conv(ConvAttrs{Strides: []int{0}}), []graph.Shape{{1, 2, 5}, {3, 2, 2}}, "strides"},
		{Conv(ConvAttrs{Dilations: []int{0}}), []graph.Shape{{1, 2, 5}, {3, 2, 2}}, "dilations"},
		{Conv(ConvAttrs{Pads: []int{1}}), []graph.Shape{{1, 2, 5}, {3, 2, 2}}, "pads"},
		{Conv(ConvAttrs{Pads: []int{1, -1}}), []graph.Shape{{1, 2, 5}, {3, 2, 2}}, "pads"},
		{Conv(ConvAttrs{Group: 3}), []graph.Shape{{1, 4, 5}, {3, 2, 2}}, "group 3"},
		{Conv(ConvAttrs{Group: -1}), []graph.Shape{{1, 4, 5}, {3, 2, 2}}, "group -1"},
		{Conv(ConvAttrs{Group: 2}), []graph.Shape{{1, 4, 5}, {4, 1, 2}}, "input channels per group"},
		{Conv(ConvAttrs{Group: 2}), []graph.Shape{{1, 4, 5}, {3, 2, 2}}, "output channels"},
		{Conv(ConvAttrs{Dilations: []int{3}}), []graph.Shape{{1, 2, 5}, {3, 2, 3}}, "shorter than the kernel"},
		{Conv(ConvAttrs{}), []graph.Shape{{1, 2, 5}, {3, 2, 2}, {2}}, "bias shape"},
		{ConvTranspose(ConvTransposeAttrs{}), []graph.Shape{{1, 2, 5}, {3, 2, 2}}, "first dimension"},
		{ConvTranspose(ConvTransposeAttrs{AutoPad: "VALID"}), []graph.Shape{{1, 2, 5}, {2, 2, 2}}, "auto_pad"},
		{ConvTranspose(ConvTransposeAttrs{OutputPadding: []int{-1}}), []graph.Shape{{1, 2, 5}, {2, 2, 2}}, "output_padding"},
		{ConvTranspose(ConvTransposeAttrs{Pads: []int{3, 3}}), []graph.Shape{{1, 2, 2}, {2, 2, 2}}, "leave no output"},
		{ConvTranspose(ConvTransposeAttrs{OutputShape: []int{7}}), []graph.Shape{{1, 2, 5}, {2, 2, 2}}, "output_shape"},
		{ConvTranspose(ConvTransposeAttrs{OutputShape: []int{1, 3, 5}}), []graph.Shape{{1, 2, 5}, {2, 2, 2}}, "batch and output channels"},
		{ConvTranspose(ConvTransposeAttrs{OutputShape: []int{5, 5}}), []graph.Shape{{1, 2, 5}, {2, 2, 2}}, "output_shape"},
		{ConvTranspose(ConvTransposeAttrs{OutputShape: []int{5}, Pads: []int{0, 0}}), []graph.Shape{{1, 2, 5}, {2, 2, 2}}, "both given"},
		{ConvTranspose(ConvTransposeAttrs{Group: 2}), []graph.Shape{{1, 3, 5}, {3, 2, 2}}, "group 2"},
	} {
		_, err := c.op.Init(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s%v: error %v, want one containing %q", c.op.Type(), c.in, err, c.want)
		}
	}
}

// TestConvRowPairing runs the kernels with every pairing of row counts
// (1, 2 and 6 rows for destinations and operands) against a direct
// convolution evaluated row by row.
//
// It runs them on each route: the usual ones, with one product for all
// rows and with one per row, and the ranged one (convMaxImage), with one
// small position per range and with ranges of 3, which cut the runs of
// positions at every offset.
func TestConvRowPairing(t *testing.T) {
	defer func(c, m, s int) { convMaxCol, convMaxImage, convSpan = c, m, s }(convMaxCol, convMaxImage, convSpan)
	for _, r := range []struct{ maxCol, maxImage, span int }{{convMaxCol, convMaxImage, 0}, {1, convMaxImage, 0}, {convMaxCol, 1, 0}, {convMaxCol, 1, 3}} {
		convMaxCol, convMaxImage, convSpan = r.maxCol, r.maxImage, r.span
		testConvRowPairing(t)
	}
}

// TestConvRanged runs PyTorch's convolution fixtures (every derivative the
// harness checks) on the ranged route, one small position per range and
// three, and checks that Init chooses it by the usual routes' scratch:
// every fixture's kernel takes the ranged route with a bound of 1 and the
// usual ones with the default.
func TestConvRanged(t *testing.T) {
	var file struct {
		Cases []fixtureCase `json:"cases"`
	}
	readFixture(t, "testdata/conv.json", &file)
	defer func(m, s int) { convMaxImage, convSpan = m, s }(convMaxImage, convSpan)
	convMaxImage = 1
	for _, span := range []int{1, 3} {
		convSpan = span
		for i := range file.Cases {
			c := &file.Cases[i]
			t.Run(fmt.Sprintf("%s/span%d", c.Name, span), func(t *testing.T) { checkFixture(t, c) })
		}
	}
	convSpan = 0
	for _, maxImage := range []int{1, 1 << 21} {
		convMaxImage = maxImage
		for i := range file.Cases {
			c := &file.Cases[i]
			op, err := fixtureBuilders[c.Op](c)
			if err != nil {
				t.Fatal(err)
			}
			shapes := make([]graph.Shape, len(c.Inputs))
			for j, in := range c.Inputs {
				shapes[j] = graph.Shape(in.Shape)
			}
			if _, err := op.Init(shapes); err != nil {
				t.Fatal(err)
			}
			core := &op.(bilinearOp).k.(*convKernel).core
			if core.ranged != (maxImage == 1) {
				t.Errorf("%s: ranged = %v with convMaxImage %d", c.Name, core.ranged, maxImage)
			}
			if maxImage == 1 && core.scratch() != core.ckg {
				t.Errorf("%s: ranged scratch %d, want one position's column, %d", c.Name, core.scratch(), core.ckg)
			}
		}
	}
}

func testConvRowPairing(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, k := range []struct {
		name string
		k    *convKernel
		in   []graph.Shape
	}{
		{"Conv", &convKernel{strides: []int{2, 1}, pads: []int{1, 0, 0, 1}, group: 2}, []graph.Shape{{2, 4, 5, 4}, {4, 2, 2, 3}}},
		{"ConvTranspose", &convKernel{transposed: true, strides: []int{2, 1}, pads: []int{1, 0, 0, 1}, group: 2, outPad: []int{1, 0}},
			[]graph.Shape{{2, 4, 3, 4}, {4, 1, 2, 3}}},
		{"Conv-stacked", &convKernel{pads: []int{1, 1, 0, 0}}, []graph.Shape{{1, 2, 4, 3}, {3, 2, 2, 2}}},
		{"ConvTranspose-stacked", &convKernel{transposed: true, strides: []int{1, 2}}, []graph.Shape{{1, 3, 3, 2}, {3, 2, 2, 2}}},
	} {
		out, err := k.k.Init(k.in)
		if err != nil {
			t.Fatal(err)
		}
		na, nb, ny := k.in[0].Size(), k.in[1].Size(), out.Size()
		rnd := func(rows, n int) graph.Block {
			b := graph.MakeBlock(make([]float64, rows*n), rows, n)
			for i := range b.Data {
				b.Data[i] = 2*rng.Float64() - 1
			}
			return b
		}
		// ref applies the kernel one row at a time on fresh one-row blocks.
		var tmp []float64
		st := graph.NewState(&tmp)
		one := func(d []float64, n int) graph.Block { return graph.MakeBlock(append([]float64{}, d...), 1, n) }
		counts := []int{1, 2, 6}
		for _, rd := range counts {
			for _, ra := range counts {
				for _, rb := range counts {
					R := max(rd, ra, rb)
					name := fmt.Sprintf("%s/dst%d-a%d-b%d", k.name, rd, ra, rb)
					a, b := rnd(ra, na), rnd(rb, nb)
					// Apply: dst rows rd, pairing with R virtual rows; only
					// meaningful when dst has the most rows (no summing).
					if rd == R {
						y := rnd(rd, ny)
						y0 := one(y.Data, rd*ny)
						k.k.Apply(st, y, a, b, true)
						for r := 0; r < rd; r++ {
							want := graph.MakeBlock(make([]float64, ny), 1, ny)
							k.k.Apply(st, want, one(a.Row(pairRow(r, R, ra)), na), one(b.Row(pairRow(r, R, rb)), nb), false)
							for e, v := range want.Data {
								want.Data[e] = v + y0.Data[r*ny+e]
							}
							convClose(t, name+"/Apply", y.Row(r), want.Data)
						}
					}
					// Transposes: w has R rows; dst sums the rows pairing with it.
					w := rnd(R, ny)
					{
						aC := rnd(rd, na)
						want := one(aC.Data, rd*na)
						k.k.TransposeA(st, aC, w, b)
						for r := 0; r < R; r++ {
							g := graph.MakeBlock(make([]float64, na), 1, na)
							k.k.TransposeA(st, g, one(w.Row(r), ny), one(b.Row(pairRow(r, R, rb)), nb))
							d := want.Data[pairRow(r, R, rd)*na:][:na]
							for e, v := range g.Data {
								d[e] += v
							}
						}
						convClose(t, name+"/TransposeA", aC.Data, want.Data)
						bC := rnd(rd, nb)
						want = one(bC.Data, rd*nb)
						k.k.TransposeB(st, bC, a, w)
						for r := 0; r < R; r++ {
							g := graph.MakeBlock(make([]float64, nb), 1, nb)
							k.k.TransposeB(st, g, one(a.Row(pairRow(r, R, ra)), na), one(w.Row(r), ny))
							d := want.Data[pairRow(r, R, rd)*nb:][:nb]
							for e, v := range g.Data {
								d[e] += v
							}
						}
						convClose(t, name+"/TransposeB", bC.Data, want.Data)
					}
				}
			}
		}
	}
}

func convClose(t *testing.T, what string, got, want []float64) {
	t.Helper()
	scale := 0.0
	for _, v := range want {
		scale = max(scale, v, -v)
	}
	for i := range got {
		if d := got[i] - want[i]; d > 1e-12*scale || -d > 1e-12*scale {
			t.Errorf("%s element %d: %v, want %v", what, i, got[i], want[i])
			return
		}
	}
}

// convSerialBLAS is gonum's BLAS with Dgemm cut into blocks small enough that
// gonum computes each serially, so that it starts no goroutines and makes
// no allocations: it tells the conv kernels' own allocations from those of
// gonum's parallel Dgemm.
type convSerialBLAS struct{ gonumblas.Implementation }

func (s convSerialBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	const bm, bn = 64, 128 // 1×2 blocks of gonum's 64: below its parallel threshold
	for i := 0; i < m; i += bm {
		ai := a[i:]
		if tA == blas.NoTrans {
			ai = a[i*lda:]
		}
		for j := 0; j < n; j += bn {
			bj := b[j:]
			if tB != blas.NoTrans {
				bj = b[j*ldb:]
			}
			s.Implementation.Dgemm(tA, tB, min(bm, m-i), min(bn, n-j), k, alpha, ai, lda, bj, ldb, beta, c[i*ldc+j:], ldc)
		}
	}
}

// withConvBLAS runs f with impl behind blas64, restoring the previous one.
func withConvBLAS(impl blas.Float64, f func()) {
	prev := blas64.Implementation()
	blas64.Use(impl)
	defer blas64.Use(prev)
	f()
}

// mnistConvs are the MNIST CNN's convolutions, on one sample.
var mnistConvs = []struct {
	name string
	x, w graph.Shape
}{
	{"conv1-1x28x28-32k3", graph.Shape{1, 1, 28, 28}, graph.Shape{32, 1, 3, 3}},
	{"conv2-32x26x26-64k3", graph.Shape{1, 32, 26, 26}, graph.Shape{64, 32, 3, 3}},
}

// convPasses returns, for a Conv of input shape x and weight shape w with
// bias on one sample and R tangent rows, the pass calls that the benchmark
// times, by name.
func convPasses(tb testing.TB, x, w graph.Shape, R int) (names []string, calls []func()) {
	op := Conv(ConvAttrs{})
	out, err := op.Init([]graph.Shape{x, w, {w[0]}})
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	blk := func(rows, n int) graph.Block {
		b := graph.MakeBlock(make([]float64, rows*n), rows, n)
		for i := range b.Data {
			b.Data[i] = 2*rng.Float64() - 1
		}
		return b
	}
	zero := func(n int) graph.Block { return graph.Block{Rows: R, Size: n, Stride: n} }
	nx, nw, nb, ny := x.Size(), w.Size(), w[0], out.Size()
	in := []graph.Block{blk(1, nx), blk(1, nw), blk(1, nb)}
	tx := []graph.Block{blk(R, nx), zero(nw), zero(nb)}      // input tangents
	tw := []graph.Block{zero(nx), blk(R, nw), zero(nb)}      // weight tangents
	y, cw, cv := blk(R, ny), blk(R, ny), blk(R, ny)          // outputs and cotangents
	inC := []graph.Block{blk(R, nx), blk(1, nw), blk(1, nb)} // per-row input, summed weight cotangents
	inV := []graph.Block{blk(R, nx), blk(1, nw), blk(1, nb)}
	var tmp []float64
	st := graph.NewState(&tmp)
	st.Samples = 1
	names = []string{"JVP", "JVP-weights", "VJP", "Reverse2"}
	calls = []func(){
		func() { op.JVP(st, y, in, tx) },
		func() { op.JVP(st, y, in, tw) },
		func() { op.VJP(st, inC, in, cw) },
		func() { op.Reverse2(st, inC, inV, in, tx, cw, cv) },
	}
	return names, calls
}

// BenchmarkConvTangent times the MNIST CNN's convolutions on one sample with
// R = 21 tangent rows:
//
//	JVP          input tangents: one GEMM over every row's im2col block
//	JVP-weights  weight tangents: one GEMM per row
//	VJP          21 cotangent rows: per-row input cotangents (one GEMM),
//	             the weight gradient summed (one GEMM)
//	Reverse2     VJP of w and v plus the cross term from input tangents into
//	             the weight (one GEMM summing the 21 rows)
//
// under blas64's BLAS (gonum's, whose parallel Dgemm allocates), and under
// convSerialBLAS ("serial/…"), where the allocations are the kernels' own.
func BenchmarkConvTangent(b *testing.B) {
	const R = 21
	for _, c := range mnistConvs {
		names, calls := convPasses(b, c.x, c.w, R)
		for i, f := range calls {
			run := func(b *testing.B) {
				f()
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					f()
				}
			}
			b.Run(c.name+"/"+names[i], run)
			b.Run(c.name+"/serial/"+names[i], func(b *testing.B) { withConvBLAS(convSerialBLAS{}, func() { run(b) }) })
		}
	}
}

// TestConvMNISTAllocs checks that the kernels make no allocations at the
// MNIST shapes (large enough to chunk nothing but to use every path), under
// a BLAS that makes none itself.
func TestConvMNISTAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("large products")
	}
	for _, c := range mnistConvs {
		names, calls := convPasses(t, c.x, c.w, 2)
		withConvBLAS(convSerialBLAS{}, func() {
			for i, f := range calls {
				f()
				if n := testing.AllocsPerRun(1, f); n != 0 {
					t.Errorf("%s %s: %v allocations, want 0", c.name, names[i], n)
				}
			}
		})
	}
}

// TestSerialBLAS checks convSerialBLAS's blocked Dgemm against gonum's.
func TestSerialBLAS(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const m, n, k = 130, 300, 7
	rnd := func(n int) []float64 {
		d := make([]float64, n)
		for i := range d {
			d[i] = rng.Float64()
		}
		return d
	}
	for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
		for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			a, b, c := rnd(m*k), rnd(k*n), rnd(m*n)
			lda, ldb := k, n
			if tA == blas.Trans {
				lda = m
			}
			if tB == blas.Trans {
				ldb = k
			}
			want := append([]float64{}, c...)
			gonumblas.Implementation{}.Dgemm(tA, tB, m, n, k, 1.5, a, lda, b, ldb, 0.5, want, n)
			convSerialBLAS{}.Dgemm(tA, tB, m, n, k, 1.5, a, lda, b, ldb, 0.5, c, n)
			convClose(t, fmt.Sprintf("Dgemm %c%c", tA, tB), c, want)
		}
	}
}

// TestConvScratchBound checks that a convolution over a large image takes
// the ranged route, with scratch within convMaxImage where the usual
// routes would need more than 14 times that, and that the mnist case's
// convolutions keep the usual routes (the benchmarked paths).
func TestConvScratchBound(t *testing.T) {
	init := func(x, w graph.Shape) *convCore {
		op := Conv(ConvAttrs{Pads: []int{1, 1, 1, 1}})
		if _, err := op.Init([]graph.Shape{x, w, {w[0]}}); err != nil {
			t.Fatal(err)
		}
		if s := op.(graph.Scratcher).ScratchFloats(); s != op.(bilinearOp).k.(*convKernel).core.scratch() {
			t.Fatalf("op's ScratchFloats %d, core's %d", s, op.(bilinearOp).k.(*convKernel).core.scratch())
		}
		return &op.(bilinearOp).k.(*convKernel).core
	}
	// 64 channels of 224 × 224, 3 × 3: (576 + 64) × 50176 floats an image.
	c := init(graph.Shape{1, 64, 224, 224}, graph.Shape{64, 64, 3, 3})
	if !c.ranged || c.scratch() > convMaxImage || c.usualScratch(1) < 14*convMaxImage {
		t.Errorf("224 × 224: ranged %v, scratch %d, usual %d; want ranged, at most %d", c.ranged, c.scratch(), c.usualScratch(1), convMaxImage)
	}
	if want := convMaxImage / 576; c.span != want {
		t.Errorf("224 × 224: %d positions a range, want %d", c.span, want)
	}
	for _, m := range mnistConvs {
		if c := init(m.x, m.w); c.ranged {
			t.Errorf("%s takes the ranged route", m.name)
		}
	}
}

//go:build openblas

// This file switches gonum's blas64 to OpenBLAS, through gonum's netlib cgo
// bindings, for every test and benchmark of the package when it is built with
// the openblas tag. It needs Debian's libopenblas-dev and the link flag:
//
//	CGO_LDFLAGS=-lopenblas go test -tags openblas -run=NONE -bench . ./bench/
//
// The default build does not compile it and stays pure Go. See docs/openblas.md.

package bench

import (
	"fmt"
	"math"
	"testing"

	"github.com/dualgrad/dualgrad/cossim"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/netlib/blas/netlib"
)

func init() {
	blas64.Use(netlib.Implementation{})
}

// withBLAS runs f with blas64 pointed at impl and then restores OpenBLAS.
// Tests in this package do not run in parallel, so the global switch is safe.
func withBLAS(impl blas.Float64, f func()) {
	blas64.Use(impl)
	defer blas64.Use(netlib.Implementation{})
	f()
}

func caseNamed(t *testing.T, name string) Case {
	t.Helper()
	for _, c := range Cases {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no benchmark case %q", name)
	return Case{}
}

// evalCase evaluates c at its latent with engine k, all Jacobians.
func evalCase(t *testing.T, c Case, k cossim.Kind) *cossim.Result {
	t.Helper()
	p, z := c.Problem()
	opt := cossim.Options{Wrt: cossim.WrtBoth}
	eng, err := cossim.New(p, opt, k)
	if err != nil {
		t.Fatalf("%s/%v: %v", c.Name, k, err)
	}
	res := cossim.NewResult(p, opt.Wrt)
	if err := eng.Eval(res, z); err != nil {
		t.Fatalf("%s/%v: %v", c.Name, k, err)
	}
	return res
}

// sumGradCase returns the adjoint engine's gradient of Σᵢ sᵢ wrt θ_D and φ.
func sumGradCase(t *testing.T, c Case) (gD, gPhi []float64) {
	t.Helper()
	p, z := c.Problem()
	eng, err := cossim.NewAdjoint(p, cossim.Options{})
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	gD = make([]float64, p.D.NumParams())
	gPhi = make([]float64, p.Phi.NumParams())
	if _, err := eng.SumGrad(gD, gPhi, z, nil); err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	return gD, gPhi
}

// maxRelVec is max|aᵢ − bᵢ| / max|bᵢ|.
func maxRelVec(a, b []float64) float64 {
	var d, s float64
	for i := range b {
		d = math.Max(d, math.Abs(a[i]-b[i]))
		s = math.Max(s, math.Abs(b[i]))
	}
	if s == 0 {
		return d
	}
	return d / s
}

// resultDiff is the largest relative difference between two Results over
// s, the cosine's pieces and both Jacobians.
func resultDiff(got, want *cossim.Result) float64 {
	d := math.Max(maxRelVec(got.S, want.S), maxRelVec(got.Dot, want.Dot))
	d = math.Max(d, maxRelVec(got.ColNormSq, want.ColNormSq))
	d = math.Max(d, maxRelVec([]float64{got.GradNormSq}, []float64{want.GradNormSq}))
	d = math.Max(d, maxRelVec(got.GradD.RawMatrix().Data, want.GradD.RawMatrix().Data))
	return math.Max(d, maxRelVec(got.GradPhi.RawMatrix().Data, want.GradPhi.RawMatrix().Data))
}

// TestOpenBLASInUse guards against the tag building but the switch not
// happening, which would make the benchmarks silently measure pure Go.
func TestOpenBLASInUse(t *testing.T) {
	if _, ok := blas64.Implementation().(netlib.Implementation); !ok {
		t.Fatalf("blas64 implementation is %T, want netlib.Implementation", blas64.Implementation())
	}
}

// TestOpenBLASAgreement checks the engines under OpenBLAS against an engine
// that does not use it (the looped engine's scalar passes), against each
// other, and against the same engine under gonum's pure-Go BLAS. Summation
// order differs between the BLAS kernels, so agreement is to 1e-12, not bits.
func TestOpenBLASAgreement(t *testing.T) {
	const tol = 1e-12
	tests := []struct {
		caseName  string
		got, want cossim.Kind
		wantGo    bool // evaluate want under gonum's pure-Go BLAS
	}{
		{caseName: "toy", got: cossim.KindAdjoint, want: cossim.KindLooped},
		{caseName: "toy", got: cossim.KindForward, want: cossim.KindLooped},
		{caseName: "small", got: cossim.KindAdjoint, want: cossim.KindLooped},
		{caseName: "small", got: cossim.KindAdjoint, want: cossim.KindForward},
		// The forward engine's blocks grow with m·P (on medium they would
		// need 13 GiB), so it is compared on small; the looped engine takes
		// minutes on medium.
		{caseName: "small", got: cossim.KindForward, want: cossim.KindForward, wantGo: true},
		{caseName: "medium", got: cossim.KindAdjoint, want: cossim.KindAdjoint, wantGo: true},
		{caseName: "large", got: cossim.KindAdjoint, want: cossim.KindAdjoint, wantGo: true},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s/%v_vs_%v", tt.caseName, tt.got, tt.want)
		if tt.wantGo {
			name += "_pureGo"
		}
		t.Run(name, func(t *testing.T) {
			c := caseNamed(t, tt.caseName)
			got := evalCase(t, c, tt.got)
			var want *cossim.Result
			if tt.wantGo {
				withBLAS(gonumblas.Implementation{}, func() { want = evalCase(t, c, tt.want) })
			} else {
				want = evalCase(t, c, tt.want)
			}
			d := resultDiff(got, want)
			if !(d <= tol) {
				t.Errorf("largest relative difference %.3g, want ≤ %g", d, tol)
			}
			t.Logf("largest relative difference %.3g", d)
		})
	}
}

// TestOpenBLASSumGrad checks the single-cotangent gradient of Σᵢ sᵢ under
// OpenBLAS against the same computation under gonum's pure-Go BLAS and
// against the column sums of the full Jacobian.
func TestOpenBLASSumGrad(t *testing.T) {
	const tol = 1e-12
	for _, name := range []string{"small", "medium", "large"} {
		t.Run(name, func(t *testing.T) {
			c := caseNamed(t, name)
			gD, gPhi := sumGradCase(t, c)
			var wantD, wantPhi []float64
			withBLAS(gonumblas.Implementation{}, func() { wantD, wantPhi = sumGradCase(t, c) })
			d := maxRelVec(gD, wantD)
			if !(d <= tol) {
				t.Errorf("∂Σs/∂θ vs pure Go: largest relative difference %.3g, want ≤ %g", d, tol)
			}
			t.Logf("∂Σs/∂θ vs pure Go: largest relative difference %.3g", d)
			if d := maxRelVec(gPhi, wantPhi); !(d <= tol) {
				t.Errorf("∂Σs/∂φ vs pure Go: largest relative difference %.3g, want ≤ %g", d, tol)
			}
			if name == "large" {
				return // the full Jacobian is the other test's job at this size
			}
			res := evalCase(t, c, cossim.KindAdjoint)
			colSum := func(J interface {
				Dims() (int, int)
				At(int, int) float64
			}) []float64 {
				r, k := J.Dims()
				s := make([]float64, k)
				for j := range s {
					for i := 0; i < r; i++ {
						s[j] += J.At(i, j)
					}
				}
				return s
			}
			if d := maxRelVec(gD, colSum(res.GradD)); !(d <= tol) {
				t.Errorf("∂Σs/∂θ vs Σᵢ ∂sᵢ/∂θ: largest relative difference %.3g, want ≤ %g", d, tol)
			}
			if d := maxRelVec(gPhi, colSum(res.GradPhi)); !(d <= tol) {
				t.Errorf("∂Σs/∂φ vs Σᵢ ∂sᵢ/∂φ: largest relative difference %.3g, want ≤ %g", d, tol)
			}
		})
	}
}

// TestBatchBLAS checks that batchBLAS sets OpenBLAS to one thread for a
// batch benchmark and gives back the count it found.
func TestBatchBLAS(t *testing.T) {
	before := blasThreads()
	restore := batchBLAS()
	if n := blasThreads(); n != 1 {
		t.Errorf("OpenBLAS has %d threads inside batchBLAS, want 1", n)
	}
	restore()
	if n := blasThreads(); n != before {
		t.Errorf("OpenBLAS has %d threads after batchBLAS, want %d as before", n, before)
	}
}

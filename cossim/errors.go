package cossim

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/floats"

	"gonum.org/v1/gonum/mat"
)

// UndefinedError reports a cosine that is undefined because |g| = 0 or
// |uᵢ| = 0 and Options.Eps is zero.
type UndefinedError struct {
	Sample    int    // index of the latent in a batch, 0 for a single latent
	Direction int    // latent direction i, from 0; -1 when |g| = 0 for all i
	Cause     string // "zero gradient of Φ" or "zero Jacobian column of D"
}

// Error names the sample and the direction, both counted from 0.
func (e *UndefinedError) Error() string {
	if e.Direction < 0 {
		return fmt.Sprintf("cossim: cosine undefined at sample %d (from 0): %s; a positive Options.Eps regularizes it", e.Sample, e.Cause)
	}
	return fmt.Sprintf("cossim: cosine undefined at sample %d, direction %d (both from 0): %s; a positive Options.Eps regularizes it", e.Sample, e.Direction, e.Cause)
}

// BudgetError reports work refused before allocating because it would
// need more memory than Options.MaxMemory allows.
type BudgetError struct {
	What   string // what would be allocated, e.g. "the forward engine's hyper-dual blocks"
	Need   int64  // bytes needed
	Budget int64  // bytes allowed
}

// Error states both figures.
func (e *BudgetError) Error() string {
	return fmt.Sprintf("cossim: %s would need %s, over the memory budget of %s (Options.MaxMemory)", e.What, bytesString(e.Need), bytesString(e.Budget))
}

// bytesString formats a byte count with a binary unit.
func bytesString(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// RangeError reports a result that is not finite although the input was:
// a quantity that overflows float64, or a network that produces Inf or NaN
// at this latent.
type RangeError struct {
	Sample    int    // index of the latent in a batch
	Quantity  string // for example "|g|²" or "∂s/∂θ"
	Direction int    // latent direction, from 0, or −1
	Value     float64
}

// Error names the quantity, the sample and the direction.
func (e *RangeError) Error() string {
	if e.Direction < 0 {
		return fmt.Sprintf("cossim: sample %d: %s = %v is not finite", e.Sample, e.Quantity, e.Value)
	}
	return fmt.Sprintf("cossim: sample %d, direction %d: %s = %v is not finite", e.Sample, e.Direction, e.Quantity, e.Value)
}

// SampleError reports an error at one latent of a batch. Errors that name
// a sample themselves (*UndefinedError, *RangeError) are returned with the
// sample set instead.
type SampleError struct {
	Sample int   // index of the latent, a row of the batch
	Err    error // the engine's error
}

// Error prefixes the engine's message with the sample.
func (e *SampleError) Error() string { return fmt.Sprintf("sample %d: %v", e.Sample, e.Err) }

// Unwrap returns the engine's error.
func (e *SampleError) Unwrap() error { return e.Err }

// atSample names sample s in an engine's error.
func atSample(s int, err error) error {
	var ue *UndefinedError
	var re *RangeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ue):
		e := *ue
		e.Sample = s
		return &e
	case errors.As(err, &re):
		e := *re
		e.Sample = s
		return &e
	}
	return &SampleError{Sample: s, Err: err}
}

// checkOptions validates the options that every engine uses.
func checkOptions(opt Options) error {
	if opt.Wrt&^WrtBoth != 0 {
		return fmt.Errorf("cossim: unknown Wrt value %d", int(opt.Wrt))
	}
	if !(opt.Eps >= 0) || math.IsInf(opt.Eps, 1) {
		return fmt.Errorf("cossim: Eps = %v, want a finite number ≥ 0", opt.Eps)
	}
	if opt.MaxMemory < 0 {
		return fmt.Errorf("cossim: MaxMemory = %d, want ≥ 0", opt.MaxMemory)
	}
	return nil
}

// checkLatent reports whether z is a finite latent of length m.
func checkLatent(z []float64, m int) error {
	if len(z) != m {
		return fmt.Errorf("cossim: z has length %d, want %d", len(z), m)
	}
	for i, v := range z {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("cossim: z[%d] = %v is not finite", i, v)
		}
	}
	return nil
}

// checkWeights reports whether w is nil or m finite weights.
func checkWeights(w []float64, m int) error {
	if w == nil {
		return nil
	}
	if len(w) != m {
		return fmt.Errorf("cossim: weights have length %d, want %d", len(w), m)
	}
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("cossim: weights[%d] = %v is not finite", i, v)
		}
	}
	return nil
}

// checkSumArgs reports whether SumGrad's gradients (nil or of lengths pd
// and pf) and weights fit.
func checkSumArgs(gradD, gradPhi, w []float64, m, pd, pf int) error {
	switch {
	case gradD != nil && len(gradD) != pd:
		return fmt.Errorf("cossim: gradD has length %d, want P_D = %d", len(gradD), pd)
	case gradPhi != nil && len(gradPhi) != pf:
		return fmt.Errorf("cossim: gradPhi has length %d, want P_Φ = %d", len(gradPhi), pf)
	}
	return checkWeights(w, m)
}

// checkResult reports whether res fits an engine with m latent directions,
// the Jacobians wrt selects and pd, pf parameters, naming the first field
// that does not.
func checkResult(res *Result, m int, wrt Wrt, pd, pf int) error {
	if res == nil {
		return errors.New("cossim: result is nil; make it with NewResult")
	}
	for _, f := range [...]struct {
		name string
		n    int
	}{{"S", len(res.S)}, {"Dot", len(res.Dot)}, {"ColNormSq", len(res.ColNormSq)}} {
		if f.n != m {
			return fmt.Errorf("cossim: result's %s has length %d, want m = %d; make the result with NewResult", f.name, f.n, m)
		}
	}
	if wrt&WrtD != 0 && pd > 0 {
		if err := checkJacobian("GradD", res.GradD, m, pd); err != nil {
			return err
		}
	}
	if wrt&WrtPhi != 0 && pf > 0 {
		return checkJacobian("GradPhi", res.GradPhi, m, pf)
	}
	return nil
}

// checkJacobian reports whether g, the result's field name, is m × p.
func checkJacobian(name string, g *mat.Dense, m, p int) error {
	if g == nil {
		return fmt.Errorf("cossim: result has no %s; make it with NewResult and the engine's Wrt", name)
	}
	if r, c := g.Dims(); r != m || c != p {
		return fmt.Errorf("cossim: result's %s is %d × %d, want %d × %d", name, r, c, m, p)
	}
	return nil
}

// checkMatrix returns a *RangeError for the first non-finite entry of the
// rows of a Jacobian.
func checkMatrix(quantity string, data []float64, rows, cols, stride int) error {
	for i := 0; i < rows; i++ {
		if v, bad := nonFinite(data[i*stride : i*stride+cols]); bad {
			return &RangeError{Quantity: quantity, Direction: i, Value: v}
		}
	}
	return nil
}

// nonFinite returns the first NaN or infinity in v, if there is one.
//
// v is first tested as a whole by its dot product with zeros, which is NaN
// exactly when v holds a NaN or an infinity (0·±Inf is NaN) and runs at the
// speed of gonum's vector kernels: on the m × P result the check would
// otherwise cost as much as writing it.
func nonFinite(v []float64) (float64, bool) {
	if d := floats.Dot(v, zeroRow(len(v))); d == d {
		return 0, false
	}
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return x, true
		}
	}
	return 0, false
}

// zeros is a shared row of zeros for nonFinite; it only grows, and it is
// only read, so concurrent engines may share it once it is long enough.
var (
	zerosMu sync.Mutex
	zeros   []float64
)

func zeroRow(n int) []float64 {
	zerosMu.Lock()
	defer zerosMu.Unlock()
	if len(zeros) < n {
		zeros = make([]float64, n)
	}
	return zeros[:n]
}

package cossim

import (
	"errors"
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestStackedWorkers: a stacked batch run by 2 or 3 workers, a round of
// chunks at a time, gives one Adjoint's results bit for bit, for chunks of
// 1, 2, 3 and 4 latents (7 latents: the last round and the last chunk are
// partial), both for streamed Jacobians and for weighted sums with their s.
func TestStackedWorkers(t *testing.T) {
	p, Z := batchProblem(t, 7)
	opt := Options{Wrt: WrtBoth}
	w := []float64{0.5, -1, 2}
	nb, _ := Z.Dims()
	for _, chunk := range []int{1, 2, 3, 4} { // 4: balanced as 4 + 3
		one, err := NewAdjoint(p, opt)
		if err != nil {
			t.Fatal(err)
		}
		one.chunk, one.sumChunk = chunk, chunk
		var want []*Result
		if err := one.EvalBatch(Z, func(s int, r *Result) error {
			c := NewResult(p, opt.Wrt)
			copyResult(c, r, opt.Wrt)
			want = append(want, c)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		wantS := mat.NewDense(nb, p.M(), nil)
		wantD, wantP := make([]float64, p.D.NumParams()), make([]float64, p.Phi.NumParams())
		wantSum, err := one.SumGradBatchInto(wantS, wantD, wantP, Z, w)
		if err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{2, 3} {
			st, err := newStacked(p, opt, workers)
			if err != nil {
				t.Fatal(err)
			}
			st.eng[0].chunk, st.eng[0].sumChunk = chunk, chunk
			name := fmt.Sprintf("chunk %d, %d workers", chunk, workers)
			for run := 0; run < 2; run++ { // the second reuses the engines
				got := 0
				if err := st.evalBatch(Z, func(s int, r *Result) error {
					if s != got || !sameResult(r, want[s]) {
						t.Errorf("%s: emitted sample %d (want %d) differs from one engine's", name, s, got)
					}
					got++
					return nil
				}); err != nil || got != nb {
					t.Fatalf("%s: %d samples emitted, %v", name, got, err)
				}
				S := mat.NewDense(nb, p.M(), nil)
				gd, gp := make([]float64, len(wantD)), make([]float64, len(wantP))
				sum, err := st.sumGrad(S, gd, gp, Z, w)
				if err != nil {
					t.Fatal(err)
				}
				if sum != wantSum || !sameBits(gd, wantD) || !sameBits(gp, wantP) || !sameBits(S.RawMatrix().Data, wantS.RawMatrix().Data) {
					t.Errorf("%s: sums differ from one engine's: Σ %v, want %v", name, sum, wantSum)
				}
			}
			if len(st.eng) != min(workers, (nb+chunk-1)/chunk) {
				t.Errorf("%s: %d engines", name, len(st.eng))
			}
		}
	}
}

// TestStackedErrors: with chunks run at once, the error returned is the one
// of the lowest failing sample, after every earlier sample has been
// emitted, as with one engine; an error from emit stops the batch.
func TestStackedErrors(t *testing.T) {
	p, Z := batchProblem(t, 7)
	for c := 0; c < p.M(); c++ {
		Z.Set(4, c, 1e6) // saturates tanh: u = 0, an undefined cosine
		Z.Set(6, c, 1e6)
	}
	opt := Options{Wrt: WrtD}
	st, err := newStacked(p, opt, 2)
	if err != nil {
		t.Fatal(err)
	}
	st.eng[0].chunk, st.eng[0].sumChunk = 2, 2
	var emitted []int
	err = st.evalBatch(Z, func(s int, _ *Result) error {
		emitted = append(emitted, s)
		return nil
	})
	var ue *UndefinedError
	if !errors.As(err, &ue) || ue.Sample != 4 || fmt.Sprint(emitted) != "[0 1 2 3]" {
		t.Errorf("evalBatch: %v after samples %v, want an UndefinedError for sample 4 after 0..3", err, emitted)
	}
	if _, err := st.sumGrad(nil, make([]float64, p.D.NumParams()), nil, Z, nil); !errors.As(err, &ue) || ue.Sample != 4 {
		t.Errorf("sumGrad: %v, want an UndefinedError for sample 4", err)
	}
	stop := errors.New("stop")
	emitted = emitted[:0]
	if err := st.evalBatch(Z, func(s int, _ *Result) error {
		emitted = append(emitted, s)
		if s == 2 {
			return stop
		}
		return nil
	}); err != stop || fmt.Sprint(emitted) != "[0 1 2]" {
		t.Errorf("emit's error: %v after %v, want it returned after sample 2", err, emitted)
	}
}

// TestStackedAllocs: rounds of chunks on several workers make no
// allocations once the engines are made.
func TestStackedAllocs(t *testing.T) {
	p, Z := batchProblem(t, 6)
	st, err := newStacked(p, Options{Wrt: WrtD}, 2)
	if err != nil {
		t.Fatal(err)
	}
	st.eng[0].chunk, st.eng[0].sumChunk = 2, 2
	g := make([]float64, p.D.NumParams())
	emit := func(int, *Result) error { return nil }
	run := func() {
		if err := st.evalBatch(Z, emit); err != nil {
			t.Fatal(err)
		}
		if _, err := st.sumGrad(nil, g, nil, Z, nil); err != nil {
			t.Fatal(err)
		}
	}
	wantNoAllocs(t, run)
}

// TestBalanced: chunks keep their fewest number and shrink to even out.
func TestBalanced(t *testing.T) {
	for _, c := range []struct{ B, limit, want int }{
		{64, 32, 32}, {48, 32, 24}, {65, 32, 22}, {33, 32, 17}, {1, 32, 1}, {7, 3, 3}, {7, 4, 4}, {10, 4, 4}, {5, 1, 1},
	} {
		if got := balanced(c.B, c.limit); got != c.want {
			t.Errorf("balanced(%d, %d) = %d, want %d", c.B, c.limit, got, c.want)
		}
	}
}

package layers

import "fmt"

// Forward returns y = n(x) in plain float64, one matrix-vector product per
// layer. The returned slice is owned by w and overwritten by the next
// Forward with w. Forward panics if len(x) is not n.In().
func (n *Network) Forward(w *Workspace, x []float64) []float64 {
	if len(x) != n.In() {
		panic(fmt.Sprintf("layers: input has length %d, want %d", len(x), n.In()))
	}
	size := 0
	for i := range n.Layers {
		size += n.Layers[i].Out()
	}
	w.fwd = resize(w.fwd, size)
	h, buf := x, w.fwd
	for i := range n.Layers {
		l := &n.Layers[i]
		a := buf[:l.Out()]
		buf = buf[l.Out():]
		w.gemv(l.W, a, h)
		for r := range a {
			a[r] += l.B[r]
		}
		if l.Act != Identity {
			for r, v := range a {
				a[r], _, _ = l.Act.Eval(v)
			}
		}
		h = a
	}
	return h
}

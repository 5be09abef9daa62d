package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/internal/jsonstrict"
	"github.com/dualgrad/dualgrad/internal/npz"
	"gonum.org/v1/gonum/mat"
)

// The JSON result layout: one object per latent, an array of them for a
// list of latents, written as each latent is computed.
//
//	{"s": [...], "dot": [...], "grad_norm_sq": G, "col_norm_sq": [...],
//	 "grad_d": [[...], ...], "grad_phi": [[...], ...],
//	 "params_d": [{"name": ..., "shape": [...], "offset": k}, ...], "params_phi": [...],
//	 "fd_rel_diff": x, "fd_reference_zero": false}
//
// grad_d and grad_phi have one row per latent direction and one column per
// parameter element, in the order of params_d and params_phi.
type jsonSink struct {
	w *jsonstrict.Writer
	p *problem
}

func newJSONSink(w io.Writer, p *problem) *jsonSink {
	return &jsonSink{w: jsonstrict.NewWriter(w), p: p}
}

func (j *jsonSink) begin(*problem, cossim.Kind) error {
	if j.p.Batch {
		return j.w.BeginArray()
	}
	return nil
}

func (j *jsonSink) latent(_ int, r *cossim.Result, chk *checked) error {
	w := j.w
	w.BeginObject()
	w.Key("s")
	w.Floats(r.S)
	w.Key("dot")
	w.Floats(r.Dot)
	w.Key("grad_norm_sq")
	w.Float(r.GradNormSq)
	w.Key("col_norm_sq")
	w.Floats(r.ColNormSq)
	for _, q := range []struct {
		key, pkey string
		J         *mat.Dense
		g         *graph.Graph
	}{{"grad_d", "params_d", r.GradD, j.p.D}, {"grad_phi", "params_phi", r.GradPhi, j.p.Phi}} {
		if q.J == nil {
			continue
		}
		w.Key(q.key)
		w.BeginArray()
		rows, _ := q.J.Dims()
		for i := 0; i < rows; i++ {
			w.Floats(q.J.RawRowView(i))
		}
		w.EndArray()
		w.Key(q.pkey)
		w.BeginArray()
		for _, prm := range q.g.Params() {
			w.BeginObject()
			w.Key("name")
			w.Str(prm.Name)
			w.Key("shape")
			w.BeginArray()
			for _, d := range prm.Shape {
				w.Int(d)
			}
			w.EndArray()
			w.Key("offset")
			w.Int(prm.Offset)
			w.EndObject()
		}
		w.EndArray()
	}
	if chk != nil {
		w.Key("fd_rel_diff")
		w.Float(chk.rel)
		w.Key("fd_reference_zero")
		w.Bool(chk.zeroRef)
	}
	return w.EndObject()
}

func (j *jsonSink) end() error {
	if j.p.Batch {
		j.w.EndArray()
	}
	return j.w.Close()
}

// npzSink writes a NumPy archive: s, dot, grad_norm_sq and col_norm_sq,
// and one array grad_d/NAME and grad_phi/NAME of shape [m, *shape] per
// parameter, each with a leading batch axis for a list of latents. Arrays
// are streamed per latent into temporary files beside the output and
// assembled at the end, so memory does not grow with the batch.
type npzSink struct {
	path   string
	p      *problem
	arrays []*npzArray
	byName map[string]*npzArray
}

type npzArray struct {
	name  string
	shape []int // per latent
	f     *os.File
	buf   []byte
}

func newNPZSink(path string, p *problem) *npzSink {
	return &npzSink{path: path, p: p, byName: map[string]*npzArray{}}
}

func (n *npzSink) add(name string, shape ...int) error {
	f, err := os.CreateTemp(filepath.Dir(n.path), ".cossim-npz-*")
	if err != nil {
		return fmt.Errorf("-out: %v", err)
	}
	a := &npzArray{name: name, shape: shape, f: f}
	n.arrays = append(n.arrays, a)
	n.byName[name] = a
	return nil
}

func (n *npzSink) begin(p *problem, _ cossim.Kind) error {
	m := p.M()
	for _, a := range []string{"s", "dot", "col_norm_sq"} {
		if err := n.add(a, m); err != nil {
			return err
		}
	}
	if err := n.add("grad_norm_sq"); err != nil {
		return err
	}
	return nil
}

// append writes the latent's values of array name, creating it on first
// use with the given per-latent shape.
func (n *npzSink) append(name string, shape []int, v []float64) error {
	a, ok := n.byName[name]
	if !ok {
		if err := n.add(name, shape...); err != nil {
			return err
		}
		a = n.byName[name]
	}
	a.buf = a.buf[:0]
	for _, x := range v {
		b := math.Float64bits(x)
		a.buf = append(a.buf, byte(b), byte(b>>8), byte(b>>16), byte(b>>24), byte(b>>32), byte(b>>40), byte(b>>48), byte(b>>56))
	}
	_, err := a.f.Write(a.buf)
	return err
}

func (n *npzSink) latent(_ int, r *cossim.Result, _ *checked) error {
	m := n.p.M()
	for _, q := range []struct {
		name string
		v    []float64
	}{{"s", r.S}, {"dot", r.Dot}, {"col_norm_sq", r.ColNormSq}, {"grad_norm_sq", []float64{r.GradNormSq}}} {
		if err := n.append(q.name, nil, q.v); err != nil {
			return fmt.Errorf("-out: %v", err)
		}
	}
	for _, q := range []struct {
		prefix string
		J      *mat.Dense
		g      *graph.Graph
	}{{"grad_d/", r.GradD, n.p.D}, {"grad_phi/", r.GradPhi, n.p.Phi}} {
		if q.J == nil {
			continue
		}
		for _, prm := range q.g.Params() {
			shape := append([]int{m}, prm.Shape...)
			size := prm.Shape.Size()
			for i := 0; i < m; i++ {
				if err := n.append(q.prefix+prm.Name, shape, q.J.RawRowView(i)[prm.Offset:prm.Offset+size]); err != nil {
					return fmt.Errorf("-out: %v", err)
				}
			}
		}
	}
	return nil
}

func (n *npzSink) end() error {
	defer func() {
		for _, a := range n.arrays {
			a.f.Close()
			os.Remove(a.f.Name())
		}
	}()
	out, err := os.Create(n.path)
	if err != nil {
		return invalid("-out: %v", err)
	}
	w := npz.NewWriter(out)
	B := len(n.p.Z)
	for _, a := range n.arrays {
		shape := a.shape
		if n.p.Batch {
			shape = append([]int{B}, shape...)
		}
		aw, err := w.Begin(a.name, shape)
		if err != nil {
			out.Close()
			return fmt.Errorf("-out: %v", err)
		}
		if _, err := a.f.Seek(0, io.SeekStart); err != nil {
			out.Close()
			return fmt.Errorf("-out: %v", err)
		}
		buf := make([]byte, 1<<16)
		vals := make([]float64, len(buf)/8)
		for {
			k, err := io.ReadFull(a.f, buf)
			for i := 0; i < k/8; i++ {
				vals[i] = math.Float64frombits(uint64(buf[8*i]) | uint64(buf[8*i+1])<<8 | uint64(buf[8*i+2])<<16 | uint64(buf[8*i+3])<<24 |
					uint64(buf[8*i+4])<<32 | uint64(buf[8*i+5])<<40 | uint64(buf[8*i+6])<<48 | uint64(buf[8*i+7])<<56)
			}
			if k > 0 {
				if err := aw.Append(vals[:k/8]); err != nil {
					out.Close()
					return fmt.Errorf("-out: %v", err)
				}
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				break
			}
			if err != nil {
				out.Close()
				return fmt.Errorf("-out: %v", err)
			}
		}
		if err := aw.End(); err != nil {
			out.Close()
			return fmt.Errorf("-out: %v", err)
		}
	}
	if err := w.Close(); err != nil {
		out.Close()
		return fmt.Errorf("-out: %v", err)
	}
	return out.Close()
}

// reportSink prints the readable report, one latent at a time.
type reportSink struct {
	w   io.Writer
	p   *problem
	cfg *config
}

func newReportSink(w io.Writer, p *problem, cfg *config) *reportSink {
	return &reportSink{w: w, p: p, cfg: cfg}
}

// maxPrinted is the largest tensor the report prints in full; beyond it
// the report gives the shape and points to -json or -out.
const maxPrinted = 400

func (r *reportSink) begin(p *problem, kind cossim.Kind) error {
	var b strings.Builder
	fmt.Fprintf(&b, "dualgrad cossim: sᵢ = (g·uᵢ)²/(|g|²|uᵢ|²), g = ∇Φ(D(z)), uᵢ = ∂D/∂zᵢ(z)\n\n")
	fmt.Fprintf(&b, "problem: %s\n", p.Name)
	for _, net := range []struct {
		name string
		g    *graph.Graph
	}{{"Φ", p.Phi}, {"D", p.D}} {
		fmt.Fprintf(&b, "  %s: input %v → output %v, %d nodes, %d parameters", net.name, net.g.InputShape(), net.g.OutputShape(), net.g.Len(), net.g.NumParams())
		if net.name == "Φ" && net.g.OutputShape().Size() > 1 {
			fmt.Fprintf(&b, " (Φ is output element %d)", p.PhiOutput)
		}
		b.WriteString("\n")
	}
	for _, net := range []struct {
		name string
		g    *graph.Graph
	}{{"Φ", p.Phi}, {"D", p.D}} {
		if net.g.NumParams() <= maxPrinted/8 {
			fmt.Fprintf(&b, "\n%s's parameters:\n", net.name)
			params(&b, net.g, net.g.ParamVector(nil))
		}
	}
	how := "chosen with -engine"
	if r.cfg.kind == cossim.KindAuto {
		how = "chosen by -engine auto"
	}
	fmt.Fprintf(&b, "\nengine: %v (%s)\n", kind, how)
	if r.cfg.eps > 0 {
		fmt.Fprintf(&b, "denominators regularized: |g|²|uᵢ|² + %g\n", r.cfg.eps)
	}
	_, err := io.WriteString(r.w, b.String())
	return err
}

func (r *reportSink) latent(s int, res *cossim.Result, chk *checked) error {
	var b strings.Builder
	p := r.p
	z := p.Z[s]
	if p.Batch {
		fmt.Fprintf(&b, "\n== sample %d ==\n", s)
	}
	x, g := pieces(p, z)
	fmt.Fprintf(&b, "\nz        = %s\n", short(z))
	fmt.Fprintf(&b, "x = D(z) = %s\n", short(x))
	fmt.Fprintf(&b, "g = ∇Φ(x) = %s,  |g|² = %.10g\n\n", short(g), res.GradNormSq)
	tw := tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  i\tcᵢ = g·uᵢ\t|uᵢ|²\tsᵢ\t")
	for i := range res.S {
		fmt.Fprintf(tw, "  %d\t%.10g\t%.10g\t%.15g\t\n", i+1, res.Dot[i], res.ColNormSq[i], res.S[i])
	}
	tw.Flush()
	for _, q := range []struct {
		sym string
		J   *mat.Dense
		g   *graph.Graph
	}{{"θ_D", res.GradD, p.D}, {"φ", res.GradPhi, p.Phi}} {
		if q.J == nil {
			continue
		}
		m, P := q.J.Dims()
		if P > maxPrinted {
			fmt.Fprintf(&b, "\n∂s/∂%s: %d × %d (too large to print; use -json or -out FILE.npz), parameters:\n", q.sym, m, P)
			for _, prm := range q.g.Params() {
				fmt.Fprintf(&b, "  %s (%s)\n", prm.Name, dims(prm.Shape))
			}
			continue
		}
		for i := 0; i < m; i++ {
			fmt.Fprintf(&b, "\n∂s%d/∂%s:\n", i+1, q.sym)
			params(&b, q.g, q.J.RawRowView(i))
		}
	}
	if chk != nil {
		fmt.Fprintf(&b, "\nfinite-difference check (gonum diff/fd, central differences of s in float64, on %s):\n  %s\n", chk.cols, chk.describe())
	}
	_, err := io.WriteString(r.w, b.String())
	return err
}

func (r *reportSink) end() error {
	var b strings.Builder
	if r.p.Post {
		fmt.Fprintf(&b, "\nThe forum post printed s = [2.8444, 0.5333] and ∂s1/∂W[:,1] = [-1.1852, 1.4222, 0.2370, 0.9481]:\n"+
			"exactly 4× the values above, because z.grad accumulated the gradient twice, doubling cᵢ (docs/math.md).\n")
	}
	if !r.cfg.check && r.cfg.wrt != cossim.WrtNone {
		fmt.Fprintf(&b, "\n(add -check for a finite-difference cross-check, -json or -out FILE.npz for machine-readable output)\n")
	}
	_, err := io.WriteString(r.w, b.String())
	return err
}

// dims formats a shape as 400×20.
func dims(s graph.Shape) string {
	if len(s) == 0 {
		return "scalar"
	}
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, "×")
}

// params prints a vector over g's flat parameters, one tensor at a time
// under its name: matrices as rows, others flattened, each in one format
// chosen from its largest entry (numberFormat).
func params(b *strings.Builder, g *graph.Graph, row []float64) {
	for _, prm := range g.Params() {
		v := row[prm.Offset : prm.Offset+prm.Shape.Size()]
		f := numberFormat(v)
		if len(prm.Shape) == 2 && len(v) <= maxPrinted {
			fmt.Fprintf(b, "  %s (%s):\n", prm.Name, dims(prm.Shape))
			tw := tabwriter.NewWriter(b, 2, 8, 2, ' ', tabwriter.AlignRight)
			c := prm.Shape[1]
			for a := 0; a < prm.Shape[0]; a++ {
				fmt.Fprint(tw, "    \t")
				for _, x := range v[a*c : (a+1)*c] {
					fmt.Fprintf(tw, "%s\t", f(x))
				}
				fmt.Fprintln(tw)
			}
			tw.Flush()
			continue
		}
		if len(v) > maxPrinted {
			fmt.Fprintf(b, "  %s (%s): %d entries, largest |entry| %.3g\n", prm.Name, dims(prm.Shape), len(v), maxAbs(v))
			continue
		}
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = f(x)
		}
		fmt.Fprintf(b, "  %s (%s): [%s]\n", prm.Name, dims(prm.Shape), strings.Join(parts, ", "))
	}
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// numberFormat returns one format for all of v, chosen from its largest
// entry as NumPy chooses one for an array: fixed point with six
// significant digits of the largest entry while it lies in [1e-4, 1e8),
// scientific otherwise. Entries that round to zero at that precision,
// such as round-off of 1e-17 beside entries of order 1, print as 0.
func numberFormat(v []float64) func(float64) string {
	big := maxAbs(v)
	if big == 0 {
		return func(float64) string { return "0" }
	}
	e := int(math.Floor(math.Log10(big)))
	if big >= 1e-4 && big < 1e8 {
		dec := max(0, 5-e)
		tiny := 0.5 * math.Pow(10, -float64(dec))
		return func(x float64) string {
			if math.Abs(x) < tiny {
				return "0"
			}
			return fmt.Sprintf("%.*f", dec, x)
		}
	}
	tiny := 0.5e-5 * big
	return func(x float64) string {
		if math.Abs(x) < tiny {
			return "0"
		}
		return fmt.Sprintf("%.5e", x)
	}
}

// short is vec for the report's inputs, abbreviated past 12 entries.
func short(v []float64) string {
	const keep = 12
	if len(v) <= keep {
		return vec(v)
	}
	s := vec(v[:keep])
	return fmt.Sprintf("%s, … (%d entries)]", s[:len(s)-1], len(v))
}

func vec(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%.6g", x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

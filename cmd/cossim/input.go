package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/internal/examples"
	"github.com/dualgrad/dualgrad/internal/jsonstrict"
	"github.com/dualgrad/dualgrad/layers"
	"github.com/dualgrad/dualgrad/onnx"
)

// problem is what the command works on: the two networks and one or more
// latents.
type problem struct {
	cossim.Problem
	Z     [][]float64 // B × m
	Batch bool        // the latents came as a list
	Name  string      // where it came from, for the report
	Post  bool        // the built-in example
}

// loadProblem reads the problem that the flags name, or returns the
// built-in example.
func loadProblem(cfg *config, stdin io.Reader, stderr io.Writer) (*problem, error) {
	files := cfg.dFile != "" || cfg.phiFile != "" || cfg.zFile != ""
	switch {
	case cfg.problemSet && files:
		return nil, invalid("-problem may not be combined with -d, -phi or -z")
	case cfg.problemSet && cfg.problem == "":
		return nil, invalid("-problem needs a file name, or - for standard input")
	case cfg.problemSet:
		return readProblemFile(cfg, stdin)
	case files:
		return readFiles(cfg, stdin, stderr)
	}
	phi, d, z := examples.Post()
	if cfg.phiOutput > 0 {
		return nil, invalid("-phi-output %d: Φ has one output element (0)", cfg.phiOutput)
	}
	cfg.check = true // the example is tiny: its report always shows the check
	return &problem{Problem: cossim.Problem{Phi: phi.Graph(), D: d.Graph()}, Z: [][]float64{z},
		Name: "the forum post's example (built in)", Post: true}, nil
}

// readInput reads a whole file (or standard input for "-"), refusing more
// than limit bytes before reading further.
func readInput(path string, stdin io.Reader, limit int64) ([]byte, error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, invalid("%v", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
			return nil, invalid("%s: %d bytes, over the input limit of %d (-max-input)", path, st.Size(), limit)
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, invalid("reading %s: %v", displayName(path), err)
	}
	if int64(len(data)) > limit {
		return nil, invalid("%s: more than %d bytes, the input limit (-max-input)", displayName(path), limit)
	}
	return data, nil
}

func displayName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return path
}

// readProblemFile reads {"phi": NET, "d": NET, "z": [...]}.
func readProblemFile(cfg *config, stdin io.Reader) (*problem, error) {
	name := displayName(cfg.problem)
	data, err := readInput(cfg.problem, stdin, cfg.maxInput)
	if err != nil {
		return nil, err
	}
	root, err := jsonstrict.ParseBytes(data)
	if err != nil {
		return nil, invalid("%s: %v", name, err)
	}
	if err := root.CheckKeys("phi", "d", "z"); err != nil {
		return nil, invalid("%s: %v", name, err)
	}
	p := &problem{Name: name}
	nets := map[string]*layers.Network{}
	for _, field := range []string{"phi", "d"} {
		v, err := root.Need(field)
		if err != nil {
			return nil, invalid("%s: %v", name, err)
		}
		if nets[field], err = layers.FromJSON(v); err != nil {
			return nil, invalid("%s: field %q: %v", name, field, err)
		}
	}
	p.Phi, p.D = nets["phi"].Graph(), nets["d"].Graph()
	if err := setPhiOutput(p, cfg, name, name); err != nil {
		return nil, err
	}
	zv, err := root.Need("z")
	if err != nil {
		return nil, invalid("%s: %v", name, err)
	}
	if p.Z, p.Batch, err = readLatents(zv, p.M()); err != nil {
		return nil, invalid("%s: %v", name, err)
	}
	return p, nil
}

// readFiles reads -d, -phi and -z.
func readFiles(cfg *config, stdin io.Reader, stderr io.Writer) (*problem, error) {
	for _, f := range []struct{ flag, val string }{{"-d", cfg.dFile}, {"-phi", cfg.phiFile}, {"-z", cfg.zFile}} {
		if f.val == "" {
			return nil, invalid("-d, -phi and -z go together: %s is missing", f.flag)
		}
	}
	p := &problem{Name: fmt.Sprintf("D = %s, Φ = %s, z = %s", cfg.dFile, cfg.phiFile, cfg.zFile)}
	var err error
	if p.D, err = readNetwork(cfg.dFile, "D", stdin, cfg.maxInput, stderr); err != nil {
		return nil, err
	}
	if p.Phi, err = readNetwork(cfg.phiFile, "Φ", stdin, cfg.maxInput, stderr); err != nil {
		return nil, err
	}
	if err := setPhiOutput(p, cfg, cfg.phiFile, fmt.Sprintf("D = %s, Φ = %s", cfg.dFile, cfg.phiFile)); err != nil {
		return nil, err
	}
	data, err := readInput(cfg.zFile, stdin, cfg.maxInput)
	if err != nil {
		return nil, err
	}
	zv, err := jsonstrict.ParseBytes(data)
	if err != nil {
		return nil, invalid("%s: %v", cfg.zFile, err)
	}
	if p.Z, p.Batch, err = readLatents(zv, p.M()); err != nil {
		return nil, invalid("%s: %v", cfg.zFile, err)
	}
	return p, nil
}

// readNetwork reads a network file by its extension: .onnx (torch.onnx.export)
// or .json (the dense format).
func readNetwork(path, which string, stdin io.Reader, limit int64, stderr io.Writer) (*graph.Graph, error) {
	var g *graph.Graph
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".onnx":
		data, err := readInput(path, stdin, limit)
		if err != nil {
			return nil, err
		}
		if g, err = importONNX(path, data); err != nil {
			return nil, invalid("%s: %v", which, inFile(path, err))
		}
	case ".json":
		data, err := readInput(path, stdin, limit)
		if err != nil {
			return nil, err
		}
		n, err := layers.ReadJSON(bytes.NewReader(data))
		if err != nil {
			return nil, invalid("%s: %s: %v", which, path, err)
		}
		g = n.Graph()
	default:
		return nil, invalid("%s: %s: unknown file extension %s (want .onnx or .json)", which, path, graph.Quote(ext))
	}
	if err := g.Validate(); err != nil {
		return nil, invalid("%s: %s: %v", which, path, err)
	}
	warnExporterNames(stderr, which, g)
	return g, nil
}

// inFile makes an ONNX error name the file: Decode's errors do, but
// Import's are about a decoded model and have no file, and an op's shape
// check reports a *graph.Error.
func inFile(path string, err error) error {
	var oe *onnx.Error
	if !errors.As(err, &oe) {
		return fmt.Errorf("%s: %w", path, err)
	}
	if oe.File != "" {
		return err
	}
	named := *oe
	named.File = path
	return &named
}

// warnExporterNames prints one warning line if g's parameters have names
// that torch.onnx.export makes up: batch norm was folded into a
// convolution, so the Jacobian is not with respect to the model's own
// parameters.
func warnExporterNames(stderr io.Writer, which string, g *graph.Graph) {
	for _, q := range g.Params() {
		if strings.HasPrefix(q.Name, "onnx::") {
			fmt.Fprintf(stderr, "cossim: warning: %s has exporter-made parameter names such as %s: torch.onnx.export folded batch norm into a convolution, so its Jacobian is not with respect to your model's parameters; export with training=torch.onnx.TrainingMode.PRESERVE (docs/onnx.md)\n", which, graph.Quote(q.Name))
			return
		}
	}
}

// setPhiOutput sets the problem's Φ output element from -phi-output, and
// checks the networks fit together. phiName names where Φ came from and
// both where both networks did, for the messages.
func setPhiOutput(p *problem, cfg *config, phiName, both string) error {
	k := p.Phi.OutputShape().Size()
	switch {
	case cfg.phiOutput < 0 && k != 1:
		return invalid("%s: Φ has %d output elements (shape %v); pick the one that is Φ with -phi-output K, 0 ≤ K < %d", phiName, k, p.Phi.OutputShape(), k)
	case cfg.phiOutput >= k:
		return invalid("%s: -phi-output %d: Φ has %d output elements (shape %v), 0 to %d", phiName, cfg.phiOutput, k, p.Phi.OutputShape(), k-1)
	case cfg.phiOutput > 0:
		p.PhiOutput = cfg.phiOutput
	}
	if err := p.Validate(); err != nil {
		return invalid("%s: %s", both, strings.TrimPrefix(err.Error(), "cossim: "))
	}
	return nil
}

// readLatents accepts one latent [..] or a list of latents [[..], ..], each
// of m finite numbers.
func readLatents(v *jsonstrict.Value, m int) ([][]float64, bool, error) {
	elems, err := v.Array()
	if err != nil {
		return nil, false, err
	}
	if len(elems) == 0 {
		return nil, false, v.Errorf("empty latent; want %d numbers or a list of latents", m)
	}
	if elems[0].Kind() == jsonstrict.Array {
		Z := make([][]float64, len(elems))
		for b, e := range elems {
			z, err := e.Floats()
			if err != nil {
				return nil, false, err
			}
			if len(z) != m {
				return nil, false, e.Errorf("sample %d: latent has %d numbers, want %d (D's input size)", b, len(z), m)
			}
			Z[b] = z
		}
		return Z, true, nil
	}
	z, err := v.Floats()
	if err != nil {
		return nil, false, err
	}
	if len(z) != m {
		return nil, false, v.Errorf("latent has %d numbers, want %d (D's input size)", len(z), m)
	}
	return [][]float64{z}, false, nil
}

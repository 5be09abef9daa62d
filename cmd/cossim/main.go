// Command cossim computes the squared cosine similarity
//
//	sᵢ = (g·uᵢ)² / (|g|² |uᵢ|²),  g = ∇Φ(D(z)),  uᵢ = ∂D/∂zᵢ(z),
//
// and its exact Jacobians with respect to the parameters of D and Φ.
//
// Run with no arguments, it solves the forum post's example and prints a
// readable report with a finite-difference cross-check. With -d and -phi it
// reads the networks from ONNX files exported by torch.onnx.export (or the
// dense JSON format) and the latents from -z; with -problem FILE it reads
// {"phi": NET, "d": NET, "z": [...]} in the dense JSON format
// (docs/formats.md). Results are printed as a report, as JSON (-json) or
// written as a NumPy .npz archive (-out FILE.npz), one latent at a time, so
// memory does not grow with the number of latents.
//
// Exit status:
//
//	0  success
//	1  internal failure (a bug; please report it)
//	2  invalid input or flags
//	3  a cosine is undefined (|g| = 0 or |uᵢ| = 0 without -eps)
//	4  a result is not finite (it overflows float64, or a network does at this latent)
//	5  refused: the work would exceed the memory budget (-max-memory) or the time limit (-max-seconds)
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/graph"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// config holds the parsed flags.
type config struct {
	problem        string
	problemSet     bool // -problem was given, possibly as ""
	dFile, phiFile string
	zFile          string
	phiOutput      int // −1: not given
	json           bool
	out            string // .npz path, or ""
	wrt            cossim.Wrt
	kind           cossim.Kind
	check          bool
	eps            float64
	sum            bool      // the gradient of Σ_b Σᵢ wᵢ sᵢ(z_b) instead of Jacobians
	weights        []float64 // wᵢ; nil means all ones
	maxInput       int64     // bytes of any input file
	maxMemory      int64     // bytes of engine workspace
	maxSeconds     float64   // estimated seconds of work
}

// Defaults of the limits, documented in the usage text.
const (
	defaultMaxInput   = 1 << 30 // 1 GiB
	defaultMaxMemory  = 4 << 30 // 4 GiB
	defaultMaxSeconds = 600
)

const usage = `usage: cossim [flags]

Computes sᵢ = (g·uᵢ)²/(|g|²|uᵢ|²), g = ∇Φ(D(z)), uᵢ = ∂D/∂zᵢ, and its exact
Jacobians with respect to the networks' parameters, named as in PyTorch's
state_dict. With no input flags it runs the forum post's example.

input (either -d, -phi and -z, or -problem):
  -d FILE         D: an ONNX file from torch.onnx.export (.onnx) or a dense network (.json)
  -phi FILE       Φ: the same
  -z FILE         the latent [...] or a list of latents [[...], ...], as JSON
  -phi-output K   Φ's output element K (row-major, from 0) is the scalar Φ, such
                  as a classifier's log-probability of class K (needed when Φ has
                  several outputs)
  -problem FILE   {"phi": NET, "d": NET, "z": [...]} in the dense JSON format; - reads stdin

output:
  -json           print JSON instead of a report
  -out FILE.npz   write a NumPy .npz archive (s, dot, grad_norm_sq, col_norm_sq,
                  grad_d/NAME and grad_phi/NAME per parameter)
  -wrt d|phi|both|none
                  parameter Jacobians to compute (default d)
  -engine auto|forward|adjoint|looped
                  engine (default auto: chosen by a cost model)
  -check          add a finite-difference cross-check (gonum diff/fd)
  -eps E          add E ≥ 0 to the denominator |g|²|uᵢ|²
  -sum            print Σ over latents and i of wᵢsᵢ and its gradient (one
                  adjoint cotangent per latent: what a training loop needs)
  -weights W      comma-separated wᵢ for -sum (default all ones)

limits:
  -max-input N    refuse input files larger than N bytes (default 1 GiB)
  -max-memory N   refuse work whose workspace would exceed N bytes (default 4 GiB)
  -max-seconds S  refuse work estimated to take longer than S seconds (default 600)

exit status: 0 ok, 1 internal failure, 2 invalid input, 3 undefined cosine,
4 result not finite, 5 over the memory or time limit
`

// run is the command without the process: it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		// A panic is a bug in dualgrad, but the user still gets one line.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "cossim: internal error: %v (please report; set GOTRACEBACK=1 for details)\n", r)
			if os.Getenv("GOTRACEBACK") == "1" {
				stderr.Write(debug.Stack())
			}
			code = 1
		}
	}()
	// The budget below is the engines'; this keeps a runaway allocation
	// elsewhere from ending in a runtime trace.
	debug.SetMemoryLimit(math.MaxInt64)
	cfg, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return fail(stderr, err)
	}
	p, err := loadProblem(cfg, stdin, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	if cfg.sum {
		err = sumMode(stdout, p, cfg)
	} else {
		err = solve(stdout, p, cfg)
	}
	if err != nil {
		return fail(stderr, err)
	}
	return 0
}

// inputError marks invalid input: the command exits 2.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

func invalid(format string, args ...any) error {
	return inputError{fmt.Errorf(format, args...)}
}

// refusedError marks work refused by a limit: the command exits 5.
type refusedError struct{ err error }

func (e refusedError) Error() string { return e.err.Error() }
func (e refusedError) Unwrap() error { return e.err }

// exitCode returns the documented exit status of err.
func exitCode(err error) int {
	var ie inputError
	var ue *cossim.UndefinedError
	var re *cossim.RangeError
	var be *cossim.BudgetError
	var fe refusedError
	switch {
	case errors.As(err, &ie):
		return 2
	case errors.As(err, &ue):
		return 3
	case errors.As(err, &re):
		return 4
	case errors.As(err, &be), errors.As(err, &fe):
		return 5
	}
	return 1
}

// fail prints err as one line and returns its exit status.
func fail(stderr io.Writer, err error) int {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	if !strings.HasPrefix(msg, "cossim:") {
		msg = "cossim: " + msg
	}
	fmt.Fprintln(stderr, msg)
	return exitCode(err)
}

func parseFlags(args []string, stdout io.Writer) (*config, error) {
	fs := flag.NewFlagSet("cossim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := &config{phiOutput: -1}
	var wrt, engine, weights, maxInput, maxMemory string
	fs.StringVar(&cfg.problem, "problem", "", "")
	fs.StringVar(&cfg.dFile, "d", "", "")
	fs.StringVar(&cfg.phiFile, "phi", "", "")
	fs.StringVar(&cfg.zFile, "z", "", "")
	fs.IntVar(&cfg.phiOutput, "phi-output", -1, "")
	fs.BoolVar(&cfg.json, "json", false, "")
	fs.StringVar(&cfg.out, "out", "", "")
	fs.StringVar(&wrt, "wrt", "d", "")
	fs.StringVar(&engine, "engine", "auto", "")
	fs.BoolVar(&cfg.check, "check", false, "")
	fs.Float64Var(&cfg.eps, "eps", 0, "")
	fs.BoolVar(&cfg.sum, "sum", false, "")
	fs.StringVar(&weights, "weights", "", "")
	fs.StringVar(&maxInput, "max-input", strconv.Itoa(defaultMaxInput), "")
	fs.StringVar(&maxMemory, "max-memory", strconv.Itoa(defaultMaxMemory), "")
	fs.Float64Var(&cfg.maxSeconds, "max-seconds", defaultMaxSeconds, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return nil, err
		}
		return nil, invalid("%s (see cossim -h)", clip(err.Error()))
	}
	if fs.NArg() > 0 {
		return nil, invalid("unexpected argument %s (see cossim -h)", graph.Quote(fs.Arg(0)))
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "problem" {
			cfg.problemSet = true
		}
	})
	var err error
	if cfg.wrt, err = cossim.ParseWrt(wrt); err != nil {
		return nil, invalid("-wrt %s: want d, phi, both or none", graph.Quote(wrt))
	}
	if cfg.kind, err = cossim.ParseKind(engine); err != nil {
		return nil, invalid("-engine %s: want auto, forward, adjoint or looped", graph.Quote(engine))
	}
	if weights != "" {
		if !cfg.sum {
			return nil, invalid("-weights needs -sum")
		}
		for _, f := range strings.Split(weights, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, invalid("-weights: %s is not a finite number", graph.Quote(f))
			}
			cfg.weights = append(cfg.weights, v)
		}
	}
	if !(cfg.eps >= 0) || cfg.eps > 1e300 {
		return nil, invalid("-eps %v: want a finite number ≥ 0", cfg.eps)
	}
	for _, l := range []struct {
		name string
		s    string
		dst  *int64
	}{{"-max-input", maxInput, &cfg.maxInput}, {"-max-memory", maxMemory, &cfg.maxMemory}} {
		v, err := strconv.ParseInt(l.s, 10, 64)
		if err != nil || v <= 0 {
			return nil, invalid("%s %s: want a positive number of bytes", l.name, graph.Quote(l.s))
		}
		*l.dst = v
	}
	if !(cfg.maxSeconds > 0) {
		return nil, invalid("-max-seconds %v: want a positive number", cfg.maxSeconds)
	}
	if cfg.out != "" && !strings.HasSuffix(cfg.out, ".npz") {
		return nil, invalid("-out %s: want a file name ending in .npz", graph.Quote(cfg.out))
	}
	if cfg.out != "" && cfg.sum {
		return nil, invalid("-out writes Jacobians; -sum prints one gradient (use -json)")
	}
	if cfg.phiOutput < -1 {
		return nil, invalid("-phi-output %d: want an element index ≥ 0", cfg.phiOutput)
	}
	return cfg, nil
}

// clip cuts a message quoting user text to a readable length.
func clip(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

// Command cossim computes the squared cosine similarity
//
//	sᵢ = (g·uᵢ)² / (|g|² |uᵢ|²),  g = ∇Φ(D(z)),  uᵢ = ∂D/∂zᵢ(z),
//
// and its exact Jacobians with respect to the parameters of D and Φ.
//
// Run with no arguments, it solves the forum post's example and prints a
// readable report with a finite-difference cross-check. With -problem FILE
// (or - for standard input) it reads {"phi": NET, "d": NET, "z": [...]},
// where NET is the layers JSON format (docs/formats.md) and "z" is one latent
// or a list of latents.
//
// Exit status: 0 on success, 1 on an internal failure (such as the forward
// engine's memory budget), 2 on invalid input or flags, 3 when a cosine is
// undefined (|g| = 0 or |uᵢ| = 0 without -eps).
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
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// config holds the parsed flags.
type config struct {
	problem string
	json    bool
	wrt     cossim.Wrt
	wrtName string
	kind    cossim.Kind
	check   bool
	eps     float64
	sum     bool      // the gradient of Σ_b Σᵢ wᵢ sᵢ(z_b) instead of Jacobians
	weights []float64 // wᵢ; nil means all ones
}

const usage = `usage: cossim [flags]

Computes sᵢ = (g·uᵢ)²/(|g|²|uᵢ|²), g = ∇Φ(D(z)), uᵢ = ∂D/∂zᵢ, and its exact
Jacobians with respect to the networks' parameters (PyTorch parameter order).
With no -problem it runs the forum post's example.

flags:
  -problem FILE   problem JSON {"phi": NET, "d": NET, "z": [...]}; - reads stdin
  -json           print JSON instead of a report
  -wrt d|phi|both parameter Jacobians to compute (default d)
  -engine auto|forward|adjoint|looped
                  engine (default auto: chosen by a cost model)
  -check          add a finite-difference cross-check (gonum diff/fd)
  -eps E          add E ≥ 0 to the denominator |g|²|uᵢ|²
  -sum            print Σ over latents and i of wᵢsᵢ and its gradient (one
                  adjoint cotangent: what a training loop needs)
  -weights W      comma-separated wᵢ for -sum (default all ones)

exit status: 0 ok, 1 internal failure, 2 invalid input, 3 undefined cosine
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
	cfg, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return fail(stderr, err)
	}
	p := example()
	if cfg.problem == "" {
		// The built-in example is tiny: its report always shows the check.
		cfg.check = true
	}
	if cfg.problem != "" {
		r := stdin
		name := "standard input"
		if cfg.problem != "-" {
			f, err := os.Open(cfg.problem)
			if err != nil {
				return fail(stderr, inputError{err})
			}
			defer f.Close()
			r, name = f, cfg.problem
		}
		if p, err = readProblem(r, name); err != nil {
			return fail(stderr, err)
		}
	}
	if cfg.sum {
		if err := sumMode(stdout, p, cfg); err != nil {
			return fail(stderr, err)
		}
		return 0
	}
	out, err := solve(p, cfg)
	if err != nil {
		return fail(stderr, err)
	}
	if cfg.json {
		err = writeJSON(stdout, p, out)
	} else {
		err = writeReport(stdout, p, cfg, out)
	}
	if err != nil {
		return fail(stderr, err)
	}
	return 0
}

// fail prints err as one line and returns its exit status.
func fail(stderr io.Writer, err error) int {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	if !strings.HasPrefix(msg, "cossim:") {
		msg = "cossim: " + msg
	}
	fmt.Fprintln(stderr, msg)
	var ie inputError
	var ue *cossim.UndefinedError
	switch {
	case errors.As(err, &ie):
		return 2
	case errors.As(err, &ue):
		return 3
	}
	return 1
}

func parseFlags(args []string, stdout io.Writer) (*config, error) {
	fs := flag.NewFlagSet("cossim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := &config{}
	var wrt, engine string
	fs.StringVar(&cfg.problem, "problem", "", "")
	fs.BoolVar(&cfg.json, "json", false, "")
	fs.StringVar(&wrt, "wrt", "d", "")
	fs.StringVar(&engine, "engine", "auto", "")
	fs.BoolVar(&cfg.check, "check", false, "")
	fs.Float64Var(&cfg.eps, "eps", 0, "")
	fs.BoolVar(&cfg.sum, "sum", false, "")
	var weights string
	fs.StringVar(&weights, "weights", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return nil, err
		}
		return nil, invalid("%v (see cossim -h)", err)
	}
	if fs.NArg() > 0 {
		return nil, invalid("unexpected argument %q (see cossim -h)", fs.Arg(0))
	}
	switch wrt {
	case "d":
		cfg.wrt = cossim.WrtD
	case "phi":
		cfg.wrt = cossim.WrtPhi
	case "both":
		cfg.wrt = cossim.WrtBoth
	default:
		return nil, invalid("-wrt %q: want d, phi or both", wrt)
	}
	cfg.wrtName = wrt
	k, err := cossim.ParseKind(engine)
	if err != nil {
		return nil, invalid("-engine %q: want auto, forward, adjoint or looped", engine)
	}
	cfg.kind = k
	if weights != "" {
		if !cfg.sum {
			return nil, invalid("-weights needs -sum")
		}
		for _, f := range strings.Split(weights, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, invalid("-weights: %q is not a finite number", f)
			}
			cfg.weights = append(cfg.weights, v)
		}
	}
	if !(cfg.eps >= 0) || cfg.eps > 1e300 {
		return nil, invalid("-eps %v: want a finite number ≥ 0", cfg.eps)
	}
	return cfg, nil
}

// Command benchreport runs the Go benchmarks of package bench, reads or runs
// the PyTorch timings of bench/torch_bench.py, and writes
// docs/benchmarks.md (tables, ratios, the targets of issues 9, 11 and 12
// with PASS or FAIL, the machine and how to reproduce) and
// docs/benchmarks.svg (time against network size).
//
// benchreport is a module of its own, so that the library's module does not
// require the plotting packages; it uses the repository's module through a
// replace directive. Usage, from the repository root:
//
//	(cd bench/cmd/benchreport && go run . [flags])
//
// Paths in flags are relative to the repository root, wherever it is run.
//
// The benchmarks matching -slow (by default the looped engine on the medium
// case, about 10 s per call) run in a second `go test` with their own
// -slowcount and -slowbenchtime; the rest run with -count and -benchtime.
// -torch=run also runs the PyTorch script (about 25 minutes), after the Go
// benchmarks, and rewrites -torchjson; -torch=file (the default) reads
// -torchjson; -torch=none leaves PyTorch out. -gofile reads the Go results
// from saved output instead of running the benchmarks.
//
// -gofile2 adds a second Go run, read from saved output (typically of the
// openblas build), beside the primary one: its timings and ratios get
// columns of their own, labelled -label2; the verdicts are the primary
// run's. Such a file can be made with
//
//	(cd bench/cmd/benchreport && CGO_LDFLAGS=-lopenblas go run . -tags openblas -torch=none -out '' -svg '' -saveraw /tmp/openblas.txt)
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() {
	log := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "benchreport: "+format+"\n", args...) }
	if err := run(os.Args[1:], log); err != nil {
		log("%v", err)
		os.Exit(1)
	}
}

type config struct {
	count, slowCount         int
	benchtime, slowBenchtime string
	slow                     string
	torch, torchJSON, python string
	goFile, saveRaw          string
	goFile2                  string
	label, label2            string
	out, svg                 string
	tags                     string
}

func run(args []string, log func(string, ...any)) error {
	var c config
	fs := flag.NewFlagSet("benchreport", flag.ContinueOnError)
	fs.IntVar(&c.count, "count", 5, "go test -count for the benchmarks not matching -slow")
	fs.StringVar(&c.benchtime, "benchtime", "200ms", "go test -benchtime for the benchmarks not matching -slow")
	fs.StringVar(&c.slow, "slow", `^BenchmarkCossim$/^medium$/^looped$`, "go test -bench regexp of the benchmarks run separately with -slowcount and -slowbenchtime; empty: none")
	fs.IntVar(&c.slowCount, "slowcount", 3, "go test -count for the -slow benchmarks")
	fs.StringVar(&c.slowBenchtime, "slowbenchtime", "1x", "go test -benchtime for the -slow benchmarks")
	fs.StringVar(&c.torch, "torch", "file", "PyTorch timings: file (read -torchjson), run (run bench/torch_bench.py, which writes -torchjson) or none")
	fs.StringVar(&c.torchJSON, "torchjson", "bench/testdata/torch_timings.json", "PyTorch timings JSON, relative to the module root")
	fs.StringVar(&c.python, "python", "/usr/bin/python3", "Python interpreter with torch, for -torch=run")
	fs.StringVar(&c.goFile, "gofile", "", "read the Go results from this `file`, saved output of go test -bench -benchmem -v (see -saveraw), instead of running the benchmarks")
	fs.StringVar(&c.saveRaw, "saveraw", "", "also write the raw go test output to this file")
	fs.StringVar(&c.goFile2, "gofile2", "", "a second Go run to show beside the primary one, from this `file` of saved go test -bench -benchmem -v output, e.g. of the -tags openblas build (see -saveraw)")
	fs.StringVar(&c.label, "label", "", "`name` of the primary Go run in the tables; default \"pure Go\", or the -tags value")
	fs.StringVar(&c.label2, "label2", "openblas", "`name` of the -gofile2 run in the tables")
	fs.StringVar(&c.out, "out", "docs/benchmarks.md", "markdown output, relative to the module root; empty: no markdown (with -gofile, to redraw the plot; with -svg empty too, to run and -saveraw the benchmarks only)")
	fs.StringVar(&c.svg, "svg", "docs/benchmarks.svg", "SVG plot output, relative to the module root; empty: no plot")
	fs.StringVar(&c.tags, "tags", "", "go test -tags for the Go benchmarks, e.g. openblas (docs/openblas.md; needs CGO_LDFLAGS=-lopenblas)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch c.torch {
	case "file", "run", "none":
	default:
		return fmt.Errorf("-torch=%q: want file, run or none", c.torch)
	}
	if c.count < 1 || c.slowCount < 1 {
		return errors.New("-count and -slowcount must be at least 1")
	}
	if c.label == "" {
		c.label = "pure Go"
		if c.tags != "" {
			c.label = c.tags
		}
	}
	if c.goFile2 != "" && (c.label2 == "" || c.label2 == c.label) {
		return fmt.Errorf("-label2 %q: want a name other than the primary run's %q", c.label2, c.label)
	}

	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if err := os.Chdir(root); err != nil {
		return err
	}
	meta := Meta{
		ReportCommand: reportCommand + shellArgs(args) + ")",
		NumCPU:        runtime.NumCPU(),
		CPU:           cpuModel(),
		Uname:         uname(),
		GoVersion:     strings.TrimSpace(output("go", "version")),
		TorchPath:     c.torchJSON,
		Tags:          c.tags,
	}

	// Go benchmarks.
	g := &GoRun{Benches: map[string]*Bench{}}
	if c.goFile != "" {
		data, err := os.ReadFile(c.goFile)
		if err != nil {
			return err
		}
		if g, err = ParseGoBench(bytes.NewReader(data)); err != nil {
			return fmt.Errorf("%s: %v", c.goFile, err)
		}
		meta.GoFromFile, meta.GoRaw = c.goFile, string(data)
		meta.GoStart, meta.GoEnd = g.Start, g.End
	} else {
		var raw strings.Builder
		meta.GoStart = time.Now()
		for _, cmd := range goCommands(c) {
			meta.GoCommands = append(meta.GoCommands, shellJoin(cmd))
			log("running %s", shellJoin(cmd))
			out, err := runStreaming(cmd, os.Stderr)
			raw.WriteString(out)
			if err != nil {
				return fmt.Errorf("%s: %v", shellJoin(cmd), err)
			}
			part, err := ParseGoBench(strings.NewReader(out))
			if err != nil {
				return err
			}
			g.Merge(part)
		}
		meta.GoEnd = time.Now()
		meta.GoRaw = raw.String()
		if c.saveRaw != "" {
			if err := writeFile(c.saveRaw, []byte(stampLine(meta.GoStart, meta.GoEnd)+meta.GoRaw)); err != nil {
				return err
			}
		}
	}

	// The second Go run.
	runs := []GoInput{{Label: c.label, Run: g}}
	if c.goFile2 != "" {
		data, err := os.ReadFile(c.goFile2)
		if err != nil {
			return err
		}
		g2, err := ParseGoBench(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%s: %v", c.goFile2, err)
		}
		runs = append(runs, GoInput{Label: c.label2, Run: g2})
		meta.Go2File, meta.Go2Raw = c.goFile2, string(data)
		meta.Go2Start, meta.Go2End = g2.Start, g2.End
		meta.Go2Command = go2Command(c)
	}

	// PyTorch.
	var torch *TorchFile
	switch c.torch {
	case "run":
		cmd := []string{c.python, "-u", "bench/torch_bench.py", "-o", c.torchJSON}
		meta.TorchCommand = shellJoin(cmd)
		log("running %s", meta.TorchCommand)
		start := time.Now()
		if _, err := runStreaming(cmd, os.Stderr); err != nil {
			return fmt.Errorf("%s: %v", meta.TorchCommand, err)
		}
		meta.TorchRun = true
		meta.TorchWhen = fmt.Sprintf("%s to %s", stamp(start), stamp(time.Now()))
		fallthrough
	case "file":
		f, err := os.Open(c.torchJSON)
		if err != nil {
			return fmt.Errorf("%v (run with -torch=run to create it, or -torch=none)", err)
		}
		torch, err = ReadTorch(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %v", c.torchJSON, err)
		}
		meta.Torch = torch
		if !meta.TorchRun {
			meta.TorchWhen = torchWhen(torch, c.torchJSON)
		}
	}

	rep, err := Build(Input{Go: runs, Torch: torch, Cases: Cases(), SameRun: c.goFile == "" && meta.TorchRun})
	if err != nil {
		return err
	}
	if c.out == "" && c.svg == "" {
		log("wrote no report (-out and -svg are empty)")
		return nil
	}
	meta.Generated = time.Now()
	if c.svg != "" {
		var buf bytes.Buffer
		if err := WritePlot(&buf, rep); err != nil {
			return err
		}
		if err := writeFile(c.svg, buf.Bytes()); err != nil {
			return err
		}
		rel, err := filepath.Rel(filepath.Dir(c.out), c.svg)
		if err != nil {
			return err
		}
		meta.SVG = filepath.ToSlash(rel)
	}
	if c.out == "" {
		log("wrote %s only (-out is empty)", c.svg)
		return nil
	}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, rep, meta); err != nil {
		return err
	}
	if err := writeFile(c.out, md.Bytes()); err != nil {
		return err
	}
	for _, v := range rep.Verdicts {
		c0 := v.Runs[0]
		line := fmt.Sprintf("issue %-9s %-6s %-12s %-11s %s %s (%s)", v.Issue, v.Case, c0.Verdict(), c0.Got, v.Target, v.Need, c0.Detail)
		for i, ck := range v.Runs[1:] {
			line += fmt.Sprintf("; %s: %s %s", rep.Runs[i+1].Label, ck.Verdict(), ck.Got)
			if ck.Status != "PASS" {
				line += " (" + ck.Detail + ")"
			}
		}
		log("%s", line)
	}
	if c.svg == "" {
		log("wrote %s", c.out)
	} else {
		log("wrote %s and %s", c.out, c.svg)
	}
	return nil
}

// goCommands returns the go test invocations: everything but -slow, then
// -slow alone.
func goCommands(c config) [][]string {
	base := []string{"go", "test", "-run=NONE", "-benchmem", "-v"}
	if c.tags != "" {
		base = append(base, "-tags="+c.tags)
	}
	main := append(append([]string{}, base...), "-bench=.")
	if c.slow != "" {
		main = append(main, "-skip="+c.slow)
	}
	main = append(main, fmt.Sprintf("-count=%d", c.count), "-benchtime="+c.benchtime, "./bench/")
	cmds := [][]string{main}
	if c.slow != "" {
		slow := append(append([]string{}, base...), "-bench="+c.slow,
			fmt.Sprintf("-count=%d", c.slowCount), "-benchtime="+c.slowBenchtime, "./bench/")
		cmds = append(cmds, slow)
	}
	return cmds
}

// go2Command is a command that makes a -gofile2 file of the openblas build
// with the go test flags of c.
func go2Command(c config) string {
	args := []string{"-tags", "openblas", "-torch=none", "-out", "", "-svg", "", "-saveraw", c.goFile2}
	if c.count != 5 {
		args = append(args, fmt.Sprintf("-count=%d", c.count))
	}
	if c.benchtime != "200ms" {
		args = append(args, "-benchtime="+c.benchtime)
	}
	return "(cd bench/cmd/benchreport && CGO_LDFLAGS=-lopenblas go run ." + shellArgs(args) + ")"
}

// runStreaming runs cmd, copying its stdout to progress as it comes, and
// returns the stdout. Its stderr goes to ours.
func runStreaming(cmd []string, progress io.Writer) (string, error) {
	var buf bytes.Buffer
	x := exec.Command(cmd[0], cmd[1:]...)
	x.Stdout = io.MultiWriter(&buf, progress)
	x.Stderr = os.Stderr
	err := x.Run()
	return buf.String(), err
}

// rootModule is the module whose benchmarks run and whose root relative
// paths start from; reportCommand runs benchreport from that root.
const (
	rootModule    = "github.com/dualgrad/dualgrad"
	reportCommand = "(cd bench/cmd/benchreport && go run ."
)

// moduleRoot returns the directory of rootModule: the main module when run
// inside it, and the target of benchreport's replace directive when run in
// benchreport's own module.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", rootModule).Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %v (run inside the dualgrad repository)", rootModule, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", errors.New("not inside the dualgrad repository")
	}
	return dir, nil
}

func output(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return string(out)
}

func uname() string {
	return strings.TrimSpace(output("uname", "-srvm"))
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// torchWhen says when a timings file was measured, as far as it is known.
func torchWhen(t *TorchFile, path string) string {
	if t.MeasuredAt != "" {
		if at, err := time.Parse(time.RFC3339, t.MeasuredAt); err == nil {
			return stamp(at)
		}
		return t.MeasuredAt
	}
	var known []string
	if out, err := exec.Command("git", "log", "-1", "--format=%cI", "--", path).Output(); err == nil && len(bytes.TrimSpace(out)) > 0 {
		if at, err := time.Parse(time.RFC3339, strings.TrimSpace(string(out))); err == nil {
			known = append(known, "last committed "+stamp(at))
		}
	}
	if st, err := os.Stat(path); err == nil {
		known = append(known, "file modified "+stamp(st.ModTime()))
	}
	return "at a time the file does not record (" + strings.Join(known, "; ") + ")"
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// shellJoin quotes cmd for a POSIX shell.
func shellJoin(cmd []string) string {
	q := make([]string, len(cmd))
	for i, a := range cmd {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

func shellArgs(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return " " + shellJoin(args)
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=./,:") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

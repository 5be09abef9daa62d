package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Bench holds one Go benchmark's samples, one per -count repetition.
type Bench struct {
	Name  string // full name without the -GOMAXPROCS suffix
	Procs int    // GOMAXPROCS, from the suffix
	Iters []int
	// Values maps a unit ("ns/op", "B/op", "allocs/op", or a custom
	// metric such as "params") to its samples.
	Values map[string][]float64
	Skip   string // the b.Skip reason, if the benchmark was skipped
	Fail   bool   // the benchmark reported --- FAIL
}

// Median returns the median of the unit's samples and whether there are any.
func (b *Bench) Median(unit string) (float64, bool) {
	return median(b.Values[unit])
}

// GoRun is the parsed output of one or more `go test -bench` runs.
type GoRun struct {
	Goos, Goarch, Pkg, CPU string
	Benches                map[string]*Bench
	Order                  []string // names in order of first appearance
	// Start and End are when the run was measured, from the stamp line
	// that -saveraw writes first (zero if the output has none).
	Start, End time.Time
}

// stampPrefix begins the line, "benchreport: measured START to END" in
// RFC 3339, that -saveraw writes before the go test output: a saved run
// then says when it was measured.
const stampPrefix = "benchreport: measured "

// stampLine returns the stamp line of a run measured from start to end.
func stampLine(start, end time.Time) string {
	return stampPrefix + start.UTC().Format(time.RFC3339) + " to " + end.UTC().Format(time.RFC3339) + "\n"
}

// benchLine matches a result line: name-procs, iterations, value/unit pairs.
var benchLine = regexp.MustCompile(`^(Benchmark\S*?)(?:-(\d+))?\s+(\d+)\s+(.*)$`)

// logLine matches a t.Log line under -v: "    file.go:12: message".
var logLine = regexp.MustCompile(`^\s+\S+\.go:\d+: (.*)$`)

// ParseGoBench parses the output of `go test -bench -benchmem [-v]`. With -v
// it also records skipped benchmarks and their reasons: the log lines that
// precede "--- SKIP: name". Lines it does not recognise are ignored.
func ParseGoBench(r io.Reader) (*GoRun, error) {
	g := &GoRun{Benches: map[string]*Bench{}}
	var logs []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, stampPrefix):
			a, b, ok := strings.Cut(strings.TrimPrefix(line, stampPrefix), " to ")
			start, err1 := time.Parse(time.RFC3339, a)
			end, err2 := time.Parse(time.RFC3339, b)
			if !ok || err1 != nil || err2 != nil {
				return nil, fmt.Errorf("line %d: a stamp line that does not read %q: %q", ln, stampPrefix+"RFC3339 to RFC3339", line)
			}
			g.Start, g.End = start, end
		case strings.HasPrefix(line, "goos: "):
			g.Goos = strings.TrimPrefix(line, "goos: ")
		case strings.HasPrefix(line, "goarch: "):
			g.Goarch = strings.TrimPrefix(line, "goarch: ")
		case strings.HasPrefix(line, "pkg: "):
			g.Pkg = strings.TrimPrefix(line, "pkg: ")
		case strings.HasPrefix(line, "cpu: "):
			g.CPU = strings.TrimPrefix(line, "cpu: ")
		case strings.HasPrefix(line, "--- SKIP: "):
			name := strings.Fields(strings.TrimPrefix(line, "--- SKIP: "))[0]
			g.bench(name).Skip = strings.Join(logs, " ")
			logs = nil
		case strings.HasPrefix(line, "--- FAIL: "):
			name := strings.Fields(strings.TrimPrefix(line, "--- FAIL: "))[0]
			if strings.HasPrefix(name, "Benchmark") {
				g.bench(name).Fail = true
			}
			logs = nil
		case logLine.MatchString(line):
			logs = append(logs, logLine.FindStringSubmatch(line)[1])
		case benchLine.MatchString(line):
			m := benchLine.FindStringSubmatch(line)
			fields := strings.Fields(m[4])
			if len(fields)%2 != 0 {
				return nil, fmt.Errorf("line %d: odd number of value/unit fields: %q", ln, line)
			}
			iters, err := strconv.Atoi(m[3])
			if err != nil {
				return nil, fmt.Errorf("line %d: iterations: %v", ln, err)
			}
			vals := map[string]float64{}
			for i := 0; i < len(fields); i += 2 {
				v, err := strconv.ParseFloat(fields[i], 64)
				if err != nil {
					return nil, fmt.Errorf("line %d: value %q: %v", ln, fields[i], err)
				}
				vals[fields[i+1]] = v
			}
			if _, ok := vals["ns/op"]; !ok {
				return nil, fmt.Errorf("line %d: no ns/op: %q", ln, line)
			}
			b := g.bench(m[1])
			if m[2] != "" {
				b.Procs, _ = strconv.Atoi(m[2])
			} else {
				b.Procs = 1 // go test omits the suffix when GOMAXPROCS is 1
			}
			b.Iters = append(b.Iters, iters)
			for u, v := range vals {
				b.Values[u] = append(b.Values[u], v)
			}
			logs = nil
		case strings.HasPrefix(line, "Benchmark"), strings.HasPrefix(line, "=== "):
			// -v announces each benchmark before it runs; its logs follow.
			logs = nil
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *GoRun) bench(name string) *Bench {
	b, ok := g.Benches[name]
	if !ok {
		b = &Bench{Name: name, Values: map[string][]float64{}}
		g.Benches[name] = b
		g.Order = append(g.Order, name)
	}
	return b
}

// Merge adds o's benchmarks and samples to g.
func (g *GoRun) Merge(o *GoRun) {
	for _, f := range [][2]*string{{&g.Goos, &o.Goos}, {&g.Goarch, &o.Goarch}, {&g.Pkg, &o.Pkg}, {&g.CPU, &o.CPU}} {
		if *f[0] == "" {
			*f[0] = *f[1]
		}
	}
	for _, name := range o.Order {
		ob := o.Benches[name]
		b := g.bench(name)
		if ob.Procs != 0 {
			b.Procs = ob.Procs
		}
		b.Iters = append(b.Iters, ob.Iters...)
		for u, v := range ob.Values {
			b.Values[u] = append(b.Values[u], v...)
		}
		if ob.Skip != "" {
			b.Skip = ob.Skip
		}
		b.Fail = b.Fail || ob.Fail
	}
}

// median returns the median of xs (the mean of the middle two for an even
// count) and false if xs is empty.
func median(xs []float64) (float64, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return (s[n/2-1] + s[n/2]) / 2, true
}

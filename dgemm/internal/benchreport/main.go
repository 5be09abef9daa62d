// Command benchreport turns the output of dgemm's benchmarks into the
// median GFLOP/s table and the SVG plot of docs/dgemm.md. It uses only the
// standard library.
//
//	go run ./dgemm/internal/benchreport -svg docs/dgemm.svg bench.txt > table.md
//
// The input may hold several runs (-count, or several invocations with
// different -cpu); each value is the median over all the lines of a
// benchmark.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// key names one measure of one benchmark: BenchmarkDgemm/impl/shape at
// -cpu cpus, in unit (GFLOP/s or GFLOP/cpu-s).
type key struct {
	bench, impl, shape string
	cpus               int
	unit               string
}

// line matches a result line, e.g.
// BenchmarkDgemm/dgemm/sq512-2   100   5848448 ns/op   67.2 GFLOP/cpu-s   45.90 GFLOP/s
var (
	line   = regexp.MustCompile(`^(Benchmark\w+)/([^/\s]+)/([^\s]+?)(?:-(\d+))?\s+\d+\s+[\d.]+ ns/op(.*)$`)
	metric = regexp.MustCompile(`([\d.]+) (GFLOP/s|GFLOP/cpu-s)`)
)

func main() {
	svgOut := flag.String("svg", "", "write the plot to this file")
	flag.Parse()
	vals := map[key][]float64{}
	var shapes, impls []string
	read := func(r io.Reader) {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			m := line.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			cpus := 1
			if m[4] != "" {
				cpus, _ = strconv.Atoi(m[4])
			}
			for _, mm := range metric.FindAllStringSubmatch(m[5], -1) {
				v, err := strconv.ParseFloat(mm[1], 64)
				if err != nil {
					log.Fatal(err)
				}
				k := key{m[1], m[2], m[3], cpus, mm[2]}
				vals[k] = append(vals[k], v)
			}
			if m[1] == "BenchmarkDgemm" {
				if !slices.Contains(shapes, m[3]) {
					shapes = append(shapes, m[3])
				}
				if !slices.Contains(impls, m[2]) {
					impls = append(impls, m[2])
				}
			}
		}
		if err := sc.Err(); err != nil {
			log.Fatal(err)
		}
	}
	if flag.NArg() == 0 {
		read(os.Stdin)
	}
	for _, name := range flag.Args() {
		f, err := os.Open(name)
		if err != nil {
			log.Fatal(err)
		}
		read(f)
		f.Close()
	}
	med := func(k key) (float64, int) {
		v := slices.Clone(vals[k])
		if len(v) == 0 {
			return 0, 0
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2], len(v)
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2, len(v)
	}

	var cpuSet []int
	for k := range vals {
		if !slices.Contains(cpuSet, k.cpus) {
			cpuSet = append(cpuSet, k.cpus)
		}
	}
	slices.Sort(cpuSet)
	// table prints, per shape, each implementation at each core count in
	// cpus, and the ratios of dgemm to the others.
	table := func(unit string, cpus []int) {
		others := slices.DeleteFunc(slices.Clone(impls), func(s string) bool { return s == "dgemm" })
		var hdr, sep []string
		hdr = append(hdr, "shape m×n×k")
		for _, c := range cpus {
			for _, im := range impls {
				hdr = append(hdr, fmt.Sprintf("%s %dc", im, c))
			}
			for _, o := range others {
				hdr = append(hdr, fmt.Sprintf("dgemm/%s %dc", o, c))
			}
		}
		for range hdr {
			sep = append(sep, "---")
		}
		fmt.Println("| " + strings.Join(hdr, " | ") + " |")
		fmt.Println("|" + strings.Join(sep, "|") + "|")
		counts := map[int]bool{}
		for _, s := range shapes {
			row := []string{s}
			for _, c := range cpus {
				d, _ := med(key{"BenchmarkDgemm", "dgemm", s, c, unit})
				for _, im := range impls {
					v, n := med(key{"BenchmarkDgemm", im, s, c, unit})
					counts[n] = true
					row = append(row, fmt.Sprintf("%.1f", v))
				}
				for _, o := range others {
					v, _ := med(key{"BenchmarkDgemm", o, s, c, unit})
					if v == 0 {
						row = append(row, "–")
						continue
					}
					row = append(row, fmt.Sprintf("%.2f", d/v))
				}
			}
			fmt.Println("| " + strings.Join(row, " | ") + " |")
		}
		fmt.Printf("\n%s, medians of %v runs per entry.\n\n", unit, keys(counts))
	}
	table("GFLOP/s", cpuSet)
	table("GFLOP/cpu-s", cpuSet[:1])

	// The kernels, if BenchmarkKernel ran.
	var kshapes, kernels []string
	for k := range vals {
		if k.bench != "BenchmarkKernel" {
			continue
		}
		if !slices.Contains(kernels, k.impl) {
			kernels = append(kernels, k.impl)
		}
		if !slices.Contains(kshapes, k.shape) {
			kshapes = append(kshapes, k.shape)
		}
	}
	if len(kernels) > 0 {
		slices.Sort(kernels)
		slices.SortFunc(kshapes, func(a, b string) int { return slices.Index(shapes, a) - slices.Index(shapes, b) })
		for _, unit := range []string{"GFLOP/s", "GFLOP/cpu-s"} {
			fmt.Printf("| kernel, 1 core, %s | %s |\n|---|%s\n", unit, strings.Join(kshapes, " | "), strings.Repeat("---|", len(kshapes)))
			for _, kr := range kernels {
				row := []string{kr}
				for _, s := range kshapes {
					v, _ := med(key{"BenchmarkKernel", kr, s, 1, unit})
					row = append(row, fmt.Sprintf("%.1f", v))
				}
				fmt.Println("| " + strings.Join(row, " | ") + " |")
			}
			fmt.Println()
		}
	}

	if *svgOut != "" {
		var panels []panel
		for _, c := range cpuSet {
			panels = append(panels, panel{fmt.Sprintf("%d core(s), GFLOP/s by the wall clock", c), c, "GFLOP/s"})
		}
		panels = append(panels, panel{fmt.Sprintf("%d core, GFLOP per CPU second", cpuSet[0]), cpuSet[0], "GFLOP/cpu-s"})
		if err := os.WriteFile(*svgOut, []byte(plot(shapes, impls, panels, func(im, s string, p panel) float64 {
			v, _ := med(key{"BenchmarkDgemm", im, s, p.cpus, p.unit})
			return v
		})), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

func keys(m map[int]bool) []int {
	var k []int
	for n := range m {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

// panel is one chart of the plot: a measure at a core count.
type panel struct {
	title string
	cpus  int
	unit  string
}

// plot draws grouped bars, one chart per panel, one group per shape.
func plot(shapes, impls []string, panels []panel, val func(impl, shape string, p panel) float64) string {
	const (
		left, right, top = 60.0, 20.0, 40.0
		panelH, gap      = 260.0, 110.0
		groupW           = 56.0
	)
	colors := []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"}
	width := left + right + groupW*float64(len(shapes))
	height := top + float64(len(panels))*(panelH+gap)
	vmax := 0.0
	for _, s := range shapes {
		for _, im := range impls {
			for _, p := range panels {
				vmax = max(vmax, val(im, s, p))
			}
		}
	}
	step := 20.0
	ymax := step * float64(int(vmax/step)+1)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="11">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%.0f" y="18" font-size="14" text-anchor="middle">DGEMM C = A·B, row-major, medians</text>`+"\n", width/2)
	for i, im := range impls {
		x := left + float64(i)*110
		fmt.Fprintf(&b, `<rect x="%.0f" y="26" width="10" height="10" fill="%s"/><text x="%.0f" y="35">%s</text>`+"\n", x, colors[i%len(colors)], x+14, im)
	}
	for pi, p := range panels {
		y0 := top + 20 + float64(pi)*(panelH+gap) // top of the panel
		yb := y0 + panelH                         // baseline
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="12" font-weight="bold">%s</text>`+"\n", left, y0-6, p.title)
		for v := 0.0; v <= ymax; v += step {
			y := yb - v/ymax*panelH
			fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.0f" y="%.1f" text-anchor="end">%.0f</text>`+"\n",
				left, width-right, y, y, left-4, y+4, v)
		}
		bw := (groupW - 10) / float64(len(impls))
		for si, s := range shapes {
			gx := left + float64(si)*groupW + 5
			for i, im := range impls {
				v := val(im, s, p)
				h := v / ymax * panelH
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s, %s: %.1f</title></rect>`+"\n",
					gx+float64(i)*bw, yb-h, bw, h, colors[i%len(colors)], im, s, p.title, v)
			}
			fmt.Fprintf(&b, `<text transform="translate(%.1f,%.1f) rotate(45)">%s</text>`+"\n", gx+groupW/2-8, yb+10, s)
		}
		fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="black"/>`+"\n", left, width-right, yb, yb)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

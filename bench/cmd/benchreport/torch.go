package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// TorchFile is the JSON that bench/torch_bench.py writes. Format 2 adds
// tasks, more methods per task, the BLAS facts and per-record thread counts;
// a file without them (format 1) reads as before.
type TorchFile struct {
	Generator    string `json:"generator"`
	Format       int    `json:"format"` // 0 or 1: the first format
	TorchVersion string `json:"torch_version"`
	API          string `json:"api"`
	Dtype        string `json:"dtype"`
	// MeasuredAt is when the timings were taken (RFC 3339), if the file
	// records it.
	MeasuredAt string `json:"measured_at"`
	Machine    struct {
		Uname  string `json:"uname"`
		CPU    string `json:"cpu"`
		Nproc  int    `json:"nproc"`
		Python string `json:"python"`
		BLAS   string `json:"blas"` // the libblas.so.3 torch used
	} `json:"machine"`
	// BLAS is what torch multiplied with (format 2).
	BLAS struct {
		Loaded   []string `json:"loaded"` // the BLAS/LAPACK/OpenMP libraries mapped in the process
		OpenBLAS *struct {
			Library  string `json:"library"`
			Config   string `json:"config"`   // openblas_get_config()
			Corename string `json:"corename"` // the kernel it runs
		} `json:"openblas"` // nil: not OpenBLAS
		Kernel struct {
			Choice      string  `json:"choice"`       // why this kernel
			CoretypeSet *string `json:"coretype_set"` // the OPENBLAS_CORETYPE forced, nil if none
		} `json:"kernel"`
	} `json:"blas"`
	Threads struct {
		Measured     []int  `json:"measured"`
		TorchDefault int    `json:"torch_default"` // torch.get_num_threads() before any set_num_threads
		Interop      int    `json:"interop"`
		Note         string `json:"note"`
	} `json:"threads"`
	// Tasks describes each task (format 2).
	Tasks map[string]string `json:"tasks"`
	// Methods describes each timed method (format 2).
	Methods map[string]struct {
		Task string `json:"task"`
		What string `json:"what"`
	} `json:"methods"`
	// Summaries names the summary records: the fastest of a group of
	// methods (format 2).
	Summaries map[string]struct {
		Task      string   `json:"task"`
		FastestOf []string `json:"fastest_of"`
	} `json:"summaries"`
	Protocol struct {
		WarmupRuns int     `json:"warmup_runs"`
		MinRepeats int     `json:"min_repeats"`
		MinTotalS  float64 `json:"min_total_s"`
		MaxTotalS  float64 `json:"max_total_s"`
		Statistic  string  `json:"statistic"`
	} `json:"protocol"`
	Cases   map[string]TorchCase `json:"cases"`
	Results []TorchResult        `json:"results"`
}

// TorchCase describes one case's shapes as the script built them.
type TorchCase struct {
	M          int    `json:"m"`
	N          int    `json:"n"`
	D          Layers `json:"d"`
	Phi        Layers `json:"phi"`
	Activation string `json:"activation"`
	PD         int    `json:"p_d"`
	PPhi       int    `json:"p_phi"`
	Weights    string `json:"weights"`
}

// Layers is a network as torch_bench.py records it: the widths of a dense
// one, or a description (mnist's Φ).
type Layers struct {
	Widths []int
	Text   string
}

func (l *Layers) UnmarshalJSON(b []byte) error {
	*l = Layers{}
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &l.Text)
	}
	return json.Unmarshal(b, &l.Widths)
}

// TorchResult is one timing: a method on a case with a thread count.
// Method names are unique across tasks; the summary methods functorch,
// best_torch, sumgrad, batch64 and batch64_jac are the fastest of a group,
// and Variant names the winner.
type TorchResult struct {
	Case    string `json:"case"`
	Task    string `json:"task"` // format 2: jac, sumgrad, batch64 or batch64_jac
	Method  string `json:"method"`
	Threads int    `json:"threads"` // requested, for torch and OpenBLAS alike
	// TorchThreads and BLASThreads are what torch.get_num_threads() and
	// openblas_get_num_threads() reported for the timing (format 2; nil:
	// not recorded).
	TorchThreads *int      `json:"torch_threads"`
	BLASThreads  *int      `json:"blas_threads"`
	MedianS      *float64  `json:"median_s"`
	Runs         []float64 `json:"runs"`
	Skipped      string    `json:"skipped"`
	Variant      string    `json:"variant"` // for the summary methods: the method that won
	Note         string    `json:"note"`
}

// ReadTorch decodes torch_bench.py's JSON and checks its records.
func ReadTorch(r io.Reader) (*TorchFile, error) {
	var t TorchFile
	if err := json.NewDecoder(r).Decode(&t); err != nil {
		return nil, fmt.Errorf("torch timings: %v", err)
	}
	for i, res := range t.Results {
		switch {
		case res.Case == "" || res.Method == "":
			return nil, fmt.Errorf("torch timings: result %d has no case or method", i)
		case res.MedianS == nil && res.Skipped == "":
			return nil, fmt.Errorf("torch timings: result %d (%s/%s, %d threads) has neither median_s nor skipped", i, res.Case, res.Method, res.Threads)
		case res.MedianS != nil && !(*res.MedianS > 0 && !math.IsInf(*res.MedianS, 1)):
			return nil, fmt.Errorf("torch timings: result %d (%s/%s, %d threads) has median_s %v", i, res.Case, res.Method, res.Threads, *res.MedianS)
		case res.MedianS != nil && res.TorchThreads != nil && *res.TorchThreads != res.Threads:
			return nil, fmt.Errorf("torch timings: result %d (%s/%s) asked for %d threads but torch ran %d", i, res.Case, res.Method, res.Threads, *res.TorchThreads)
		}
		if m, ok := t.Methods[res.Method]; ok && res.Task != "" && m.Task != res.Task {
			return nil, fmt.Errorf("torch timings: result %d (%s/%s) has task %q, but the method's is %q", i, res.Case, res.Method, res.Task, m.Task)
		}
		if m, ok := t.Summaries[res.Method]; ok && res.Task != "" && m.Task != res.Task {
			return nil, fmt.Errorf("torch timings: result %d (%s/%s) has task %q, but the summary's is %q", i, res.Case, res.Method, res.Task, m.Task)
		}
	}
	return &t, nil
}

// Best returns the fastest record of method on the case over the thread
// counts measured, or, if every record was skipped, one of them. ok is false
// if there is no record at all.
func (t *TorchFile) Best(caseName, method string) (best TorchResult, ok bool) {
	var recs []TorchResult
	for _, r := range t.Results {
		if r.Case == caseName && r.Method == method {
			recs = append(recs, r)
		}
	}
	if len(recs) == 0 {
		return TorchResult{}, false
	}
	sortRecords(recs)
	return recs[0], true
}

// sortRecords puts timed records first, fastest first, ties to fewer
// threads, then the skipped ones by thread count.
func sortRecords(recs []TorchResult) {
	slices.SortStableFunc(recs, func(a, b TorchResult) int {
		switch {
		case a.MedianS == nil && b.MedianS == nil:
			return a.Threads - b.Threads
		case a.MedianS == nil:
			return 1
		case b.MedianS == nil:
			return -1
		case *a.MedianS != *b.MedianS:
			if *a.MedianS < *b.MedianS {
				return -1
			}
			return 1
		}
		return a.Threads - b.Threads
	})
}

// torchTask is one task of torch_bench.py: its summary record (the fastest
// of all its methods) and its methods in the script's order. The first
// format had only looped, autograd_batched, the functorch_* methods and the
// summaries functorch and best_torch for jac, and sumgrad and batch64 as
// single methods, which read here as the summaries of their tasks.
type torchTask struct {
	Key     string
	Summary string
	Methods []string
}

var torchTasks = []torchTask{
	{"jac", "best_torch", []string{"looped", "autograd_batched", "autograd_persample",
		"functorch_rev_fwd", "functorch_fwd_fwd", "functorch_rev_rev", "functorch"}},
	{"sumgrad", "sumgrad", []string{"sumgrad_looped", "sumgrad_autograd_batched", "sumgrad_autograd_leading",
		"sumgrad_functorch_fwd", "sumgrad_functorch_rev"}},
	{"batch64", "batch64", []string{"batch64_looped", "batch64_leading_loop", "batch64_leading_batched",
		"batch64_leading_rows", "batch64_vmap_fwd", "batch64_vmap_rev"}},
	{"batch64_jac", "batch64_jac", []string{"batch64_jac_looped", "batch64_jac_loop_batched",
		"batch64_jac_loop_persample", "batch64_jac_persample", "batch64_jac_vmap_rev_fwd"}},
}

// TaskOf returns the task a record belongs to: its own, the file's for its
// method or summary, or torchTasks'; "" if unknown.
func (t *TorchFile) TaskOf(r TorchResult) string {
	if r.Task != "" {
		return r.Task
	}
	if m, ok := t.Methods[r.Method]; ok && m.Task != "" {
		return m.Task
	}
	if m, ok := t.Summaries[r.Method]; ok && m.Task != "" {
		return m.Task
	}
	for _, tk := range torchTasks {
		if r.Method == tk.Summary || slices.Contains(tk.Methods, r.Method) {
			return tk.Key
		}
	}
	return ""
}

// Fastest returns PyTorch's fastest record of the task on the case: the
// fastest timed record of any of the task's methods and summaries at any
// thread count, with Variant set to the method that won. If none was timed
// it returns a skipped record, the task summary's if there is one. ok is
// false if the file has no record of the task on the case.
func (t *TorchFile) Fastest(caseName, task string) (best TorchResult, ok bool) {
	var recs []TorchResult
	summary := ""
	for _, tk := range torchTasks {
		if tk.Key == task {
			summary = tk.Summary
		}
	}
	for _, r := range t.Results {
		if r.Case == caseName && t.TaskOf(r) == task {
			recs = append(recs, r)
		}
	}
	if len(recs) == 0 {
		return TorchResult{}, false
	}
	sortRecords(recs)
	best = recs[0]
	if best.MedianS == nil {
		for _, r := range recs {
			if r.Method == summary {
				best = r
				break
			}
		}
		return best, true
	}
	if best.Variant == "" {
		best.Variant = best.Method
	}
	return best, true
}

// OnOpenBLAS reports whether torch multiplied with OpenBLAS as far as the
// file says (known is false if it does not say), and describes its BLAS.
func (t *TorchFile) OnOpenBLAS() (known, openblas bool, desc string) {
	if ob := t.BLAS.OpenBLAS; ob != nil {
		desc = "OpenBLAS"
		if ob.Config != "" {
			desc = ob.Config
		}
		if ob.Corename != "" {
			desc += ", kernel " + ob.Corename
		}
		if ct := t.BLAS.Kernel.CoretypeSet; ct != nil {
			desc += " (OPENBLAS_CORETYPE=" + *ct + ")"
		}
		if ob.Library != "" {
			desc += ", " + ob.Library
		}
		return true, true, desc
	}
	if len(t.BLAS.Loaded) > 0 {
		return true, false, "not OpenBLAS: " + strings.Join(t.BLAS.Loaded, ", ")
	}
	if b := t.Machine.BLAS; b != "" { // the first format: the libblas.so.3 alternative
		return true, strings.Contains(strings.ToLower(b), "openblas"), b
	}
	return false, false, "not recorded"
}

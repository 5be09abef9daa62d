package spin

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// TestGo runs rounds of jobs through Go and a Group, with rounds that start
// while the workers still poll and rounds after they have blocked, and
// checks that every job ran exactly once before Wait returned.
func TestGo(t *testing.T) {
	const jobsPerRound = 5
	var g Group
	ran, fs := countingJobs(&g, jobsPerRound)
	before := workers.Load()
	for round := 1; round <= 6; round++ {
		if round == 4 {
			time.Sleep(3 * Window) // the workers block on the channel
		}
		if err := runRound(&g, ran, fs, round); err != nil {
			t.Fatal(err)
		}
	}
	// Workers are started only when every one is busy: never more than the
	// most jobs in flight at once, here or in an earlier test.
	if w, b := workers.Load(), busy.Load(); w < 1 || w > max(before, jobsPerRound) || b != 0 {
		t.Errorf("%d workers, %d busy after the rounds; want 1 to %d and 0", w, b, max(before, jobsPerRound))
	}
}

// countingJobs returns n jobs, job j counting its runs in ran[j] and
// marking itself done in g.
func countingJobs(g *Group, n int) ([]atomic.Int32, []func()) {
	ran, fs := make([]atomic.Int32, n), make([]func(), n)
	for j := range fs {
		fs[j] = func() {
			ran[j].Add(1)
			g.Done()
		}
	}
	return ran, fs
}

// runRound runs the jobs fs, made by countingJobs with g and ran, through
// Go and waits on g; it reports a job that has not run round times since.
func runRound(g *Group, ran []atomic.Int32, fs []func(), round int) error {
	g.Add(len(fs))
	for _, f := range fs {
		Go(f)
	}
	g.Wait()
	for j := range ran {
		if got := ran[j].Load(); got != int32(round) {
			return fmt.Errorf("round %d: job %d ran %d times", round, j, got)
		}
	}
	return nil
}

// TestGoConcurrent runs rounds from four goroutines at once, as concurrent
// batches do, each waiting on its own Group, and checks every job ran
// exactly once per round.
func TestGoConcurrent(t *testing.T) {
	const callers, rounds, jobsPerRound = 4, 50, 3
	done := make(chan error, callers)
	for c := 0; c < callers; c++ {
		go func() {
			var g Group
			ran, fs := countingJobs(&g, jobsPerRound)
			for round := 1; round <= rounds; round++ {
				if err := runRound(&g, ran, fs, round); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for c := 0; c < callers; c++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestGroupWait checks that Wait waits for a job that outlasts the polling
// window, and returns at once with nothing pending.
func TestGroupWait(t *testing.T) {
	var g Group
	g.Wait()
	var done atomic.Bool
	g.Add(1)
	go func() {
		time.Sleep(2 * Window)
		done.Store(true)
		g.Done()
	}()
	g.Wait()
	if !done.Load() {
		t.Fatal("Wait returned before Done")
	}
}

// TestRecv checks Recv on a value sent while it polls, one sent after it
// has blocked, and a closed channel.
func TestRecv(t *testing.T) {
	ch := make(chan int)
	go func() {
		ch <- 1
		time.Sleep(2 * Window)
		ch <- 2
		close(ch)
	}()
	for want := 1; want <= 2; want++ {
		if v, ok := Recv(ch); v != want || !ok {
			t.Fatalf("Recv = %d, %v; want %d, true", v, ok, want)
		}
	}
	if v, ok := Recv(ch); v != 0 || ok {
		t.Fatalf("Recv on a closed channel = %d, %v", v, ok)
	}
}

// BenchmarkForkJoin is one job on a worker beside one on the caller, each
// about 10 µs of dependent multiply-adds: the fork-join of a stacked batch
// round or of a product split in two.
func BenchmarkForkJoin(b *testing.B) {
	var g Group
	var sink [2]float64
	work := func(i int) {
		s := 1.0
		for range 4000 {
			s = s*1.0000001 + 1e-9
		}
		sink[i] += s
	}
	f := func() {
		work(1)
		g.Done()
	}
	b.ReportAllocs()
	for b.Loop() {
		g.Add(1)
		Go(f)
		work(0)
		g.Wait()
	}
}

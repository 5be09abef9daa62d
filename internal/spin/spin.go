// Package spin runs short jobs on persistent goroutines that spin for a
// while before they park.
//
// A fork-join of two jobs of 80 µs each gained nothing on two cores of
// this project's benchmark machine (a virtual machine) when the second job
// went to a new or a parked goroutine: waking the thread of an idle CPU
// took about as long as the job. A worker that polls for its next job for
// up to Window after its last one is awake when the next fork comes, as
// OpenMP's and OpenBLAS's threads are (docs/design.md, "Workers"). The
// cost is CPU: an idle worker polls, yielding to other goroutines every
// yieldEvery polls, for at most Window before it blocks.
package spin

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Window is how long a worker polls for its next job before it blocks.
const Window = 500 * time.Microsecond

// yieldEvery is how many polls a poller makes between yields: a poll is an
// atomic load, a few nanoseconds, while runtime.Gosched takes the
// scheduler's lock, which a product's goroutine on the other CPU may need,
// and time.Now costs about as much. So a runnable goroutine waits at most
// about a microsecond for a poller's P.
const yieldEvery = 64

// Recv receives from ch, polling it for up to Window before blocking. ok
// is false if ch is closed.
func Recv[T any](ch <-chan T) (v T, ok bool) {
	if poll(func() bool {
		select {
		case v, ok = <-ch:
			return true
		default:
			return false
		}
	}) {
		return v, ok
	}
	v, ok = <-ch
	return v, ok
}

// poll calls ready until it reports true, for up to Window, yielding
// every yieldEvery calls, and reports whether it did.
func poll(ready func() bool) bool {
	if ready() {
		return true
	}
	deadline := time.Now().Add(Window)
	for i := 1; !ready(); i++ {
		if i%yieldEvery == 0 {
			if time.Now().After(deadline) {
				return false
			}
			runtime.Gosched()
		}
	}
	return true
}

// Group is a sync.WaitGroup whose Wait polls for up to Window before it
// blocks, so that the goroutine that forked a round of jobs is awake when
// the last one ends. Its zero value is ready to use.
type Group struct {
	pending atomic.Int64
	wg      sync.WaitGroup
}

// Add adds n to the jobs the group waits for.
func (g *Group) Add(n int) {
	g.pending.Add(int64(n))
	g.wg.Add(n)
}

// Done marks one job as finished.
func (g *Group) Done() {
	g.pending.Add(-1)
	g.wg.Done()
}

// Wait returns when every job added has finished.
func (g *Group) Wait() {
	poll(func() bool { return g.pending.Load() == 0 })
	g.wg.Wait()
}

// jobs feeds the workers of Go. Its buffer lets a caller hand out a round
// of jobs without waiting while the workers are busy.
var jobs = make(chan func(), 64)

var (
	workersMu sync.Mutex
	workers   atomic.Int32
	busy      atomic.Int32 // workers running a job, or about to
)

// Go runs f on a worker goroutine, starting one if every worker is busy.
// Workers live for the rest of the process. f must not block on a job
// that Go has queued after it, since all workers may be running jobs
// that wait. To pass f without allocating, make the func value once and
// reuse it.
func Go(f func()) {
	if int(busy.Add(1)) > int(workers.Load()) {
		start()
	}
	jobs <- f
}

// start adds a worker if there are fewer than busy.
func start() {
	workersMu.Lock()
	defer workersMu.Unlock()
	if workers.Load() < busy.Load() {
		workers.Add(1)
		go work()
	}
}

func work() {
	for {
		f, _ := Recv(jobs)
		f()
		busy.Add(-1)
	}
}

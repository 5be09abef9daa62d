package bench

// batchBLAS readies the BLAS for a batch benchmark and returns what undoes
// it. In the pure-Go build it does nothing: dgemm's callers compute their
// own parts when its workers are busy with the batch's other chunks. The
// openblas build (blasthreads_openblas.go) sets OpenBLAS to one thread, as
// docs/openblas.md advises for batches, whose workers already use every
// core.
var batchBLAS = func() (restore func()) { return func() {} }

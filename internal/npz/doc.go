// Package npz writes and reads NumPy .npz archives of float64 arrays, so
// that results and fixtures move between dualgrad and NumPy or PyTorch
// exactly, to the bit, and without a text detour.
//
// An .npz file is a zip archive of .npy files, one per array; np.load
// returns a mapping from each entry's name without ".npy" to its array.
// The names may contain slashes, as in "grad_d/fc1.weight":
// np.load(f)["grad_d/fc1.weight"] finds them (tools/npzref checks it).
//
// # Writing
//
// Writer streams: Write copies one array out in pieces, and Begin returns
// an ArrayWriter that takes an array in successive pieces, such as a row
// per latent, so that no more than a piece need be in memory. Arrays are
// written as NumPy's np.savez writes them: '<f8' (little-endian float64),
// C order, NPY format 1.0 with NumPy's header layout, in an uncompressed
// (stored) zip entry. NaN and ±Inf are stored as they are.
//
// # Reading
//
// Read and Open read every array of an archive into memory. They accept
// '<f8' and '<f4' (widened exactly to float64) in C order, NPY formats 1.0
// to 3.0, stored or deflated entries (np.savez_compressed). Anything else,
// such as Fortran order, another dtype, a truncated entry or a malformed
// header, is an error naming the entry. Sizes are checked against the
// archive's before anything is allocated for them, so a corrupt or hostile
// file cannot make Read allocate much more than its own size.
package npz

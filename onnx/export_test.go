package onnx

// SetMaxElements sets the element limit of Import for a test and returns
// the function that restores it.
func SetMaxElements(n int) (restore func()) {
	old := importMaxElements
	importMaxElements = n
	return func() { importMaxElements = old }
}

//go:build !unix

package documents

// limitCPU does nothing where there are no resource limits; the worker's
// deadline still ends it.
func limitCPU(uint64) {}

//go:build !unix

package ops

func freeBytes(string) int64 { return -1 }

package main

import (
	"syscall"
	"time"
	"unsafe"
)

// processCPU is the CPU time this process has used, every thread's (the
// collector's too): what a benchmark's work cost, without the time the
// machine spent on other work, which ns/op includes on a busy machine.
func processCPU() time.Duration {
	const clockProcessCPUTimeID = 2
	var ts syscall.Timespec
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockProcessCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}

package pgserver

import (
	"os"
	"syscall"
)

// canDieWithParent is true where the kernel stops a child when its parent dies.
const canDieWithParent = true

// setParentDeathSignal makes the kernel send the child a fast-shutdown signal when the thread that started
// it exits; startProcess keeps that thread alive for as long as the child runs.
func setParentDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGINT }

// memoryDir is a RAM-backed directory for cluster data, where copying a template database costs a tenth
// of what it costs on disk.
const memoryDir = "/dev/shm"

// minMemoryDirFree is the free space memoryDir must have to be used: a cluster with a few hundred test
// databases fits; Docker's default 64 MB /dev/shm does not qualify.
const minMemoryDirFree = 1 << 30

// clusterParentDirs returns where local clusters may live, preferred first: a roomy /dev/shm, then the
// temporary directory.
func clusterParentDirs() []string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(memoryDir, &st); err == nil && st.Bavail*uint64(st.Bsize) >= minMemoryDirFree &&
		syscall.Access(memoryDir, 2 /* W_OK */) == nil {
		return []string{memoryDir, os.TempDir()}
	}
	return []string{os.TempDir()}
}

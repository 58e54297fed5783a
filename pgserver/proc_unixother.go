//go:build unix && !linux

package pgserver

import (
	"os"
	"syscall"
)

// canDieWithParent is false: this system has no parent-death signal.
const canDieWithParent = false

// setParentDeathSignal does nothing on this system.
func setParentDeathSignal(*syscall.SysProcAttr) {}

// clusterParentDirs returns where local clusters live: the temporary directory.
func clusterParentDirs() []string { return []string{os.TempDir()} }

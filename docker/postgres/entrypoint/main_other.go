//go:build !linux

package main

import (
	"fmt"
	"os"
)

// main refuses to run: the image, and so this program, exists for Linux only.
func main() {
	fmt.Fprintln(os.Stderr, "entrypoint: this program runs inside the Linux PostgreSQL image only")
	os.Exit(1)
}

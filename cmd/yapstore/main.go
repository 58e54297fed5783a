package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command that args (without the program's name) select, with the process's environment, and
// returns the exit code: 0 done, 1 failed, 2 wrong command line.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runEnv(ctx, args, stdin, stdout, stderr, os.Getenv)
}

// runEnv is run with the environment read through getenv, so that tests can give each run its own.
func runEnv(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	return cli.Main(ctx, rootCommand(), args, cli.IO{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv})
}

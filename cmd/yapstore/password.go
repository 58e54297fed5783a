package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/cli"
)

// passwordFlags are the ways add-user and update-user take a password: --password VALUE (as the old
// script did; visible to other users in the process list), --password-stdin, or a prompt on a terminal.
type passwordFlags struct {
	value     *string
	fromStdin bool
}

func (p *passwordFlags) register(fs *cli.FlagSet) {
	fs.OptionalStringVar(&p.value, "password", "PASSWORD",
		"the password (visible to other users of this machine in the process list; prefer the two ways below)")
	fs.BoolVar(&p.fromStdin, "password-stdin",
		"read the password from the first line of standard input")
}

// passwordHelp is the paragraph the help of add-user and update-user shares.
const passwordHelp = `The password is taken from --password, or from the first line of standard input with
--password-stdin, or else asked for twice on the terminal without echo. It is never printed, at any
verbosity.`

// read returns the password, registered as a secret so that no message can print it. It returns a usage
// error when no way is given and standard input is not a terminal, or when both flags are given.
func (p *passwordFlags) read(ctx context.Context, env *cli.Env, prompt string) (string, error) {
	var (
		password string
		err      error
	)
	switch {
	case p.value != nil && p.fromStdin:
		return "", cli.Usagef("give either --password or --password-stdin, not both")
	case p.value != nil:
		password = *p.value
		env.Logf("Password taken from --password")
	case p.fromStdin:
		password, err = cli.ReadLine(ctx, bufio.NewReader(env.Stdin))
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read the password from standard input: %w", err)
		}
		env.Logf("Password read from standard input")
	default:
		tty := env.StdinTerminal()
		if tty == nil {
			return "", cli.Usagef("no password given: pass --password-stdin to read it from standard input, or run in a terminal to be asked for it")
		}
		password, err = promptTwice(ctx, env, tty, prompt)
		if err != nil {
			return "", err
		}
	}
	env.AddSecret(password)
	if password == "" {
		return "", errors.New("the password is empty: an empty password cannot be set")
	}
	return password, nil
}

// promptTwice asks for the password and its confirmation on the terminal with echo turned off.
func promptTwice(ctx context.Context, env *cli.Env, tty *os.File, prompt string) (string, error) {
	restore, err := disableEcho(ctx, tty)
	if err != nil {
		env.Warnf("cannot hide the password as you type it (%v): it will be shown on the screen", err)
		restore = func() {}
	}
	defer restore()
	in := bufio.NewReader(tty)
	fmt.Fprint(env.Stderr, prompt)
	first, err := cli.ReadLine(ctx, in)
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	fmt.Fprint(env.Stderr, "Repeat the password: ")
	second, err := cli.ReadLine(ctx, in)
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	if first != second {
		return "", errors.New("the two passwords differ; nothing was changed")
	}
	return first, nil
}

// disableEcho turns off the terminal's echo with stty (the standard library has no terminal control) and
// returns the function that restores the terminal's previous settings.
func disableEcho(ctx context.Context, tty *os.File) (func(), error) {
	saved, err := stty(ctx, tty, "-g")
	if err != nil {
		return nil, err
	}
	if _, err := stty(ctx, tty, "-echo"); err != nil {
		return nil, err
	}
	return func() {
		// Restore even when ctx has ended (Ctrl-C at the prompt).
		_, _ = stty(context.WithoutCancel(ctx), tty, strings.TrimSpace(saved))
	}, nil
}

func stty(ctx context.Context, tty *os.File, arg string) (string, error) {
	cmd := exec.CommandContext(ctx, "stty", arg)
	cmd.Stdin = tty
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(errOut.String()); msg != "" {
			return "", fmt.Errorf("stty %s: %s", arg, msg)
		}
		return "", fmt.Errorf("stty %s: %w", arg, err)
	}
	return out.String(), nil
}

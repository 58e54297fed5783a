package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNotConfirmed is what Confirm returns when the operator answers anything but yes.
var ErrNotConfirmed = errors.New("not confirmed: nothing was changed")

// Confirm asks the operator to confirm what question describes (a deletion of more than one row) before the
// command does it, and returns nil when they may go ahead: --yes was given, or standard input is a terminal
// and the answer is y or yes. Without --yes and without a terminal there is no one to ask, and it returns a
// usage error saying to pass --yes; on a terminal, any other answer returns ErrNotConfirmed. The command must
// have Confirm set, which gives it --yes.
func (e *Env) Confirm(ctx context.Context, question string) error {
	if e.Yes {
		return nil
	}
	tty := e.StdinTerminal()
	if tty == nil {
		return Usagef("%s: pass --yes to confirm (standard input is not a terminal, so there is no one to ask)",
			strings.TrimSuffix(question, "?"))
	}
	fmt.Fprintf(e.Stderr, "%s [y/N] ", question)
	answer, err := ReadLine(ctx, bufio.NewReader(tty))
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return nil
	}
	return ErrNotConfirmed
}

// ReadLine reads one line without its line ending. It returns ctx's error if ctx ends first (the read itself
// cannot be interrupted; it is abandoned). At the end of input it returns what was read and io.EOF, or the
// line alone when it is not empty.
func ReadLine(ctx context.Context, in *bufio.Reader) (string, error) {
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		line, err := in.ReadString('\n')
		done <- result{strings.TrimRight(line, "\r\n"), err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r := <-done:
		if errors.Is(r.err, io.EOF) && r.line != "" {
			return r.line, nil
		}
		return r.line, r.err
	}
}

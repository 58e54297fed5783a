package pgserver

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ping connects to connString once and runs a trivial query, within timeout.
func ping(ctx context.Context, connString string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var one int
	return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// waitReady pings connString until it answers, alive reports a failure, or ctx ends. alive lets the caller
// stop early when the process serving connString has died; it may be nil.
func waitReady(ctx context.Context, connString string, alive func() error) error {
	const interval = 50 * time.Millisecond
	var last error
	for {
		if alive != nil {
			if err := alive(); err != nil {
				return err
			}
		}
		last = ping(ctx, connString, 5*time.Second)
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last attempt: %w)", ctx.Err(), last)
		case <-time.After(interval):
		}
	}
}

// waitReadyAny pings all of urls at once, round after round, until one answers, and returns the first that
// does; it fails when ctx ends first.
func waitReadyAny(ctx context.Context, urls []string) (string, error) {
	const interval = 100 * time.Millisecond
	type result struct {
		url string
		err error
	}
	for {
		results := make(chan result, len(urls))
		for _, u := range urls {
			go func() { results <- result{u, ping(ctx, u, 2*time.Second)} }()
		}
		var errs []error
		for range urls {
			r := <-results
			if r.err == nil {
				return r.url, nil
			}
			errs = append(errs, r.err)
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("%w (last attempts: %w)", ctx.Err(), errors.Join(errs...))
		case <-time.After(interval):
		}
	}
}

// ErrBadConnString is returned by WithDatabase when the connection string cannot be parsed.
var ErrBadConnString = errors.New("pgserver: malformed connection string")

// WithDatabase returns connString with its database replaced by name. A postgres:// or postgresql:// URL
// gets name as its path (and as its dbname parameter, if it has one); a keyword/value string gets a dbname
// setting appended, which overrides any earlier one. It returns an error wrapping ErrBadConnString when a
// URL cannot be parsed.
func WithDatabase(connString, name string) (string, error) {
	if strings.HasPrefix(connString, "postgres://") || strings.HasPrefix(connString, "postgresql://") {
		u, err := url.Parse(connString)
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrBadConnString, err)
		}
		u.Path = "/" + name
		u.RawPath = ""
		if q := u.Query(); q.Has("dbname") {
			q.Set("dbname", name)
			u.RawQuery = q.Encode()
		}
		return u.String(), nil
	}
	quoted := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(name)
	return strings.TrimSpace(connString) + " dbname='" + quoted + "'", nil
}

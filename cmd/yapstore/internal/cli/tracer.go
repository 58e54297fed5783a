package cli

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// SQLTracer returns a pgx tracer that logs every statement the command sends, on standard error, when the
// operator asked for -v -v: the query's name (sqlc's "-- name:" comment) or its first words, how long it
// took and the command tag; at -v -v -v the whole statement text. Arguments are never logged: they hold
// password hashes, keys and user data. At lower verbosity it returns nil (no tracer).
func (e *Env) SQLTracer() pgx.QueryTracer {
	if e.Verbosity < 2 {
		return nil
	}
	return &sqlTracer{env: e}
}

type sqlTracer struct{ env *Env }

type traceKey struct{}

type traceStart struct {
	sql   string
	start time.Time
}

// TraceQueryStart remembers the statement's text and start time; it does not look at the arguments.
func (t *sqlTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, traceKey{}, traceStart{sql: data.SQL, start: time.Now()})
}

// TraceQueryEnd logs the statement with its duration and outcome.
func (t *sqlTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	st, _ := ctx.Value(traceKey{}).(traceStart)
	took := time.Since(st.start).Round(10 * time.Microsecond)
	outcome := data.CommandTag.String()
	if data.Err != nil {
		outcome = "error: " + data.Err.Error()
	}
	text := statementLabel(st.sql)
	if t.env.Verbosity >= 3 {
		text = strings.Join(strings.Fields(st.sql), " ")
	}
	t.env.Debugf("sql: %s (%s, %s)", text, took, outcome)
}

// statementLabel names a statement by its sqlc query name when it has one ("ListUsers"), otherwise by its
// first five words.
func statementLabel(sql string) string {
	if rest, ok := strings.CutPrefix(strings.TrimSpace(sql), "-- name: "); ok {
		if name, _, ok := strings.Cut(rest, " "); ok {
			return name
		}
	}
	words := strings.Fields(sql)
	if len(words) > 5 {
		words = append(words[:5], "...")
	}
	return strings.Join(words, " ")
}

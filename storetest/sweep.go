package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/yapstore/yapstore/internal/serverdb"
)

// How old a leftover must be before a sweep drops it. Tests' databases may be kept on purpose (their test
// failed) and are given a working day to be looked at; an interrupted build is dead after minutes; a
// template of other migrations may serve another checkout on a shared server, so it is kept for a day after
// it was built (if one is still needed after that, it is rebuilt).
const (
	staleTestAge     = 8 * time.Hour
	staleBuildAge    = time.Hour
	staleTemplateAge = 24 * time.Hour
)

// leftover is a database a sweep may drop.
type leftover struct {
	name       string
	isTemplate bool
}

// sweep drops storetest databases that nobody is connected to and that are stale: test databases and
// interrupted builds older than their age limit (from the time in their names), and templates of other
// migrations built more than staleTemplateAge ago. It returns the names it dropped and the errors it met;
// a database another process drops first is not an error.
func (h *harness) sweep(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := h.admin.Query(ctx, `
		SELECT d.datname, d.datistemplate, coalesce(shobj_description(d.oid, 'pg_database'), '')
		FROM pg_database d
		WHERE starts_with(d.datname, $1)
		  AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`, namePrefix)
	if err != nil {
		return nil, err
	}
	var stale []leftover
	for rows.Next() {
		var name, comment string
		var isTemplate bool
		if err := rows.Scan(&name, &isTemplate, &comment); err != nil {
			return nil, err
		}
		if isStale(name, comment, h.template, now) {
			stale = append(stale, leftover{name: name, isTemplate: isTemplate})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	var dropped []string
	var errs []error
	for _, l := range stale {
		if l.isTemplate {
			// A template cannot be dropped; another process may be cloning it right now, in which case
			// that clone fails and rebuilds the template (see createTestDatabase).
			if _, err := h.admin.Exec(ctx, "ALTER DATABASE "+serverdb.QuoteIdent(l.name)+" WITH IS_TEMPLATE false"); err != nil {
				errs = append(errs, fmt.Errorf("unmark %s: %w", l.name, err))
				continue
			}
		}
		if _, err := h.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+serverdb.QuoteIdent(l.name)); err != nil {
			errs = append(errs, fmt.Errorf("drop %s: %w", l.name, err))
			continue
		}
		dropped = append(dropped, l.name)
	}
	return dropped, errors.Join(errs...)
}

// isStale applies the age limits to one storetest database; current is this process's template, which is
// never stale.
func isStale(name, comment, current string, now time.Time) bool {
	switch {
	case strings.HasPrefix(name, testPrefix):
		created, ok := createdAt(name)
		return ok && now.Sub(created) > staleTestAge
	case strings.HasPrefix(name, buildPrefix):
		created, ok := createdAt(name)
		return ok && now.Sub(created) > staleBuildAge
	case strings.HasPrefix(name, templatePrefix) && name != current:
		built, ok := builtAt(comment)
		return ok && now.Sub(built) > staleTemplateAge
	}
	return false
}

// builtAt reads the build time buildTemplate writes into a template's comment.
func builtAt(comment string) (time.Time, bool) {
	_, rest, ok := strings.Cut(comment, "built_at=")
	if !ok {
		return time.Time{}, false
	}
	secs, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(secs, 0), true
}

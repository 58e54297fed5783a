package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Sentinel errors. Every error a method returns for one of these conditions satisfies errors.Is with the
// matching sentinel; errors that come from a constraint are also a *ConstraintError (errors.As) naming it.
var (
	// ErrNotFound is returned when the row a method reads, changes or deletes does not exist, or is not
	// visible to the owner the read is scoped to, and when a row being written refers to a parent (user,
	// cluster, simulation, estimator) that does not exist.
	ErrNotFound = errors.New("yapstore: not found")

	// ErrConflict is returned when a write would duplicate a unique key: a username already taken for the
	// provider, a cluster name, a job id, a task number within a simulation.
	ErrConflict = errors.New("yapstore: conflict")

	// ErrInvalid is returned when a value is not one the schema or the platform allows: an unknown state,
	// platform, input or simulation type, a missing required field, a malformed page spec, a number out of
	// range. Methods check what they can before sending anything, so most of these cost no round trip.
	ErrInvalid = errors.New("yapstore: invalid value")

	// ErrStillReferenced is returned when deleting a row that other rows still refer to, such as a user who
	// owns simulations or a cluster that batch simulations ran on.
	ErrStillReferenced = errors.New("yapstore: still referenced")

	// ErrStillRunning is returned by DeleteSimulation, without the force option, for a simulation that is
	// still pending or running.
	ErrStillRunning = errors.New("yapstore: simulation still running")

	// ErrClosed is returned when the Store's pool has been closed, and by a nil or zero Store.
	ErrClosed = errors.New("yapstore: store closed")

	// ErrTimeout is returned when the server gave up on a statement that ran past one of its time limits:
	// statement_timeout (SQLSTATE 57014), lock_timeout (55P03) or idle_in_transaction_session_timeout
	// (25P03). Nothing of the statement was applied. A context deadline is reported as the context's own
	// error (context.DeadlineExceeded), not as ErrTimeout.
	ErrTimeout = errors.New("yapstore: statement timed out")

	// ErrCanceled is returned when the server canceled a statement at another session's or an
	// administrator's request (57014 without a timeout, as pg_cancel_backend sends). Nothing of the statement
	// was applied. A canceled context is reported as context.Canceled.
	ErrCanceled = errors.New("yapstore: statement canceled by the server")

	// ErrConnectionLost is returned when the connection to the server broke during a call: the server shut
	// down or terminated the session (57P01, 57P02, 57P03, class 08), or the network failed. A write whose
	// commit was under way may or may not have been applied; every write of this package is one statement or
	// one transaction, so it is either whole or absent, never half-written.
	ErrConnectionLost = errors.New("yapstore: connection lost")

	// ErrUnreadableBlob is returned by a read that met a stored blob it cannot decompress: gzip that is
	// damaged, text that is not JSON, text over the codec's size limit. The error is also a *BlobError
	// (errors.As) naming the blob, and wraps the codec's own error (compress.ErrCorrupt, ErrTooLarge, ...).
	ErrUnreadableBlob = errors.New("yapstore: unreadable blob")
)

// BlobError names a stored blob a read could not decompress. It matches ErrUnreadableBlob and the codec's
// error with errors.Is. A results read fails with it unless ReportUnreadable collects it instead.
type BlobError struct {
	Estimator   string // the estimator's file name (the payload's name)
	EstimatorID int32
	Page        int32 // the page number; -1 when the blob is the estimator's metadata
	PageID      int32 // the page's id; 0 for the estimator's metadata
	Err         error // the codec's error, e.g. a *compress.Error of kind compress.ErrCorrupt
}

// Error names the blob and says what is wrong with it.
func (e *BlobError) Error() string {
	if e.Page < 0 {
		return fmt.Sprintf("%v: metadata of estimator %q (id %d): %v", ErrUnreadableBlob, e.Estimator, e.EstimatorID, e.Err)
	}
	return fmt.Sprintf("%v: page %d (id %d) of estimator %q: %v", ErrUnreadableBlob, e.Page, e.PageID, e.Estimator, e.Err)
}

// Unwrap returns ErrUnreadableBlob and the codec's error.
func (e *BlobError) Unwrap() []error { return []error{ErrUnreadableBlob, e.Err} }

// ConstraintError describes a write the database refused because of a constraint. Kind is the sentinel it
// matches with errors.Is (ErrConflict, ErrInvalid, ErrNotFound or ErrStillReferenced).
type ConstraintError struct {
	Kind       error  // ErrConflict, ErrInvalid, ErrNotFound or ErrStillReferenced
	Constraint string // the constraint's name, e.g. "_username_provider_uc"; "" for a NOT NULL violation
	Table      string // the table the database reported
	Column     string // the column, for NOT NULL violations
	Err        *pgconn.PgError
}

// Error describes the refused write in one line, naming the constraint.
func (e *ConstraintError) Error() string {
	what := e.Constraint
	if what == "" {
		what = fmt.Sprintf("not null %s.%s", e.Table, e.Column)
	}
	if d := constraintDescriptions[e.Constraint]; d != "" {
		return fmt.Sprintf("%v: %s (%s)", e.Kind, d, what)
	}
	return fmt.Sprintf("%v: %s: %s", e.Kind, what, e.Err.Message)
}

// Is reports whether target is the sentinel this error is a case of.
func (e *ConstraintError) Is(target error) bool { return target == e.Kind }

// Unwrap returns the PostgreSQL error the database sent.
func (e *ConstraintError) Unwrap() error { return e.Err }

// invalidf returns an ErrInvalid error with a message, for values refused before reaching the database.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// notFoundf returns an ErrNotFound error naming what was not found.
func notFoundf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrNotFound}, args...)...)
}

// mapError turns an error from pgx into the package's errors: no rows becomes ErrNotFound, constraint
// violations a *ConstraintError, a closed pool ErrClosed. Context errors and everything else pass through
// unchanged, so errors.Is(err, context.Canceled) keeps working. Together with mapDeleteError it is the only
// place that interprets driver errors.
//
// A foreign-key violation maps to ErrNotFound here: for the inserts and updates the package sends it means
// the row refers to a parent that does not exist.
func mapError(err error) error { return mapErrorWith(err, ErrNotFound) }

// mapDeleteError is mapError for DELETE statements, where a foreign-key violation means the row is still
// referenced (ErrStillReferenced). PostgreSQL reports the referencing table and the same SQLSTATE in both
// directions, so only the statement tells the two cases apart.
func mapDeleteError(err error) error { return mapErrorWith(err, ErrStillReferenced) }

func mapErrorWith(err error, foreignKeyKind error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if isClosedPool(err) {
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		if isConnectionLost(err) {
			return fmt.Errorf("%w: %w", ErrConnectionLost, err)
		}
		return err
	}
	switch {
	case pgErr.Code == "57014" && strings.Contains(pgErr.Message, "timeout"), pgErr.Code == "55P03", pgErr.Code == "25P03":
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	case pgErr.Code == "57014":
		return fmt.Errorf("%w: %w", ErrCanceled, err)
	case pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03", strings.HasPrefix(pgErr.Code, "08"):
		return fmt.Errorf("%w: %w", ErrConnectionLost, err)
	}
	ce := &ConstraintError{Constraint: pgErr.ConstraintName, Table: pgErr.TableName, Column: pgErr.ColumnName, Err: pgErr}
	switch pgErr.Code {
	case "23505": // unique_violation
		ce.Kind = ErrConflict
	case "23503": // foreign_key_violation
		ce.Kind = foreignKeyKind
	case "23514", "23502": // check_violation, not_null_violation
		ce.Kind = ErrInvalid
	case "22P02", "22003", "22001", "22007", "22008", "21000":
		// invalid_text_representation, numeric_value_out_of_range, string_data_right_truncation,
		// invalid_datetime_format, datetime_field_overflow, cardinality_violation (a key twice in one upsert)
		return fmt.Errorf("%w: %s", ErrInvalid, pgErr.Message)
	default:
		return err
	}
	return ce
}

// isConnectionLost reports whether err says the connection broke: a network error, an unexpected end of the
// server's stream, a connection pgx had to close, or a failed connect.
func isConnectionLost(err error) bool {
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	return errors.As(err, &netErr) || errors.As(err, &connectErr) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		strings.Contains(err.Error(), "conn closed")
}

// Names of the constraints the package maps errors by. They are the production database's names (see
// schema/), so errors read the same on a database the platform's backend created.
const (
	ConstraintUsernameProvider       = "_username_provider_uc"
	ConstraintSimulationJobID        = "Simulation_job_id_key"
	ConstraintSimulationTask         = "_simulation_id_task_id_uc"
	ConstraintClusterName            = "_cluster_name_uc"
	ConstraintEstimatorFileName      = "_simulation_id_file_name_uc"
	ConstraintPageNumber             = "_estimator_id_page_number_uc"
	ConstraintSimulationUser         = "Simulation_user_id_fkey"
	ConstraintBatchSimulationCluster = "BatchSimulation_cluster_id_fkey"
)

// constraintDescriptions says in words what breaking a constraint means, for error messages.
var constraintDescriptions = map[string]string{
	ConstraintUsernameProvider:       "a user with this name and provider already exists",
	ConstraintSimulationJobID:        "a simulation with this job id already exists",
	ConstraintSimulationTask:         "the simulation already has a task with this number",
	ConstraintClusterName:            "a cluster with this name already exists",
	ConstraintEstimatorFileName:      "the simulation already has an estimator with this name",
	ConstraintPageNumber:             "the estimator already has a page with this number",
	ConstraintSimulationUser:         "the user owns simulations, or the owner does not exist",
	ConstraintBatchSimulationCluster: "batch simulations ran on the cluster, or the cluster does not exist",
	"Simulation_job_state_check":     "unknown simulation state",
	"Simulation_platform_check":      "unknown platform",
	"Simulation_input_type_check":    "unknown input type",
	"Simulation_sim_type_check":      "unknown simulation type",
	"User_auth_provider_check":       "unknown auth provider",
}

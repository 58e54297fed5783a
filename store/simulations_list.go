package store

import (
	"context"
	"math"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// DefaultPageSize is the number of simulations on a page when SimulationQuery.PageSize is 0, as on the
// platform.
const DefaultPageSize = 6

// MaxPageSize is the largest page ListSimulations returns.
const MaxPageSize = 1000

// SimulationOrder is the key a simulation list is sorted by. Only the constants below exist, so a sort key
// never comes from user text.
type SimulationOrder int

// The sort keys the platform offers.
const (
	OrderByStartTime SimulationOrder = iota // submission time (the default)
	OrderByEndTime                          // end time; simulations still running sort last
)

// SimulationQuery selects one page of a user's simulations.
type SimulationQuery struct {
	UserID     int32           // the owner whose simulations are listed
	PageSize   int             // simulations per page, 1 to MaxPageSize; 0 means DefaultPageSize
	Page       int             // 1-based page index; 0 means 1
	OrderBy    SimulationOrder // OrderByStartTime or OrderByEndTime
	Descending bool            // newest first when true
	States     []State         // only simulations in these states; empty means every state
}

// SimulationPage is one page of a user's simulations and the number of simulations on all pages.
type SimulationPage struct {
	Simulations []Simulation
	Total       int64 // simulations matching the query on all pages
	Page        int   // the 1-based index of this page
	PageSize    int   // the page size used
}

// PageCount returns the number of pages the matching simulations fill (0 when there are none).
func (p SimulationPage) PageCount() int {
	if p.PageSize <= 0 {
		return 0
	}
	return int((p.Total + int64(p.PageSize) - 1) / int64(p.PageSize))
}

// ListSimulations returns one page of a user's simulations, each with its variant, sorted as q says (ties
// broken by id in the same direction), and the total number matching. A page past the end is empty and still
// carries the total. It costs one query, or two when the page is empty and not the first. It returns
// ErrInvalid, before sending anything, for an unknown sort key or state, a negative or too large page size, a
// negative page index, or a page past the range of the database's offsets. With WithReplicas it may read a
// replica (AtLeast asks for one fresh enough); the only ReadOption it heeds is AtLeast.
func (s *Store) ListSimulations(ctx context.Context, q SimulationQuery, opts ...ReadOption) (SimulationPage, error) {
	params, page, size, err := listParams(q)
	if err != nil {
		return SimulationPage{}, err
	}
	db := s.reader(newReadOptions(opts))
	rows, err := listSimulationRows(ctx, db, q.OrderBy, q.Descending, params)
	if err != nil {
		return SimulationPage{}, mapError(err)
	}
	result := SimulationPage{Simulations: make([]Simulation, 0, len(rows)), Page: page, PageSize: size}
	for _, r := range rows {
		sim, err := simulationFromRow(simulationRow{Simulation: r.Simulation,
			MergeID: r.MergeID, ClusterID: r.ClusterID, JobDir: r.JobDir, ArrayID: r.ArrayID, CollectID: r.CollectID})
		if err != nil {
			return SimulationPage{}, err
		}
		result.Simulations = append(result.Simulations, sim)
		result.Total = r.Total
	}
	if len(rows) == 0 && page > 1 {
		total, err := queries.CountSimulationsOfUserByState(ctx, db, dbsqlc.CountSimulationsOfUserByStateParams{
			UserID: params.UserID, States: params.States,
		})
		if err != nil {
			return SimulationPage{}, mapError(err)
		}
		result.Total = total
	}
	return result, nil
}

// listSimulationParams and listSimulationRow are the parameters and row of the four ListSimulationsOfUserBy*
// queries, which differ only in their ORDER BY; the others' types are converted to and from these.
type (
	listSimulationParams = dbsqlc.ListSimulationsOfUserByStartTimeDescParams
	listSimulationRow    = dbsqlc.ListSimulationsOfUserByStartTimeDescRow
)

// listSimulationRows runs the list query of the sort order asked for (listParams has checked it).
func listSimulationRows(ctx context.Context, db executor, order SimulationOrder, descending bool, p listSimulationParams) ([]listSimulationRow, error) {
	switch {
	case order == OrderByStartTime && descending:
		return queries.ListSimulationsOfUserByStartTimeDesc(ctx, db, p)
	case order == OrderByStartTime:
		rows, err := queries.ListSimulationsOfUserByStartTimeAsc(ctx, db, dbsqlc.ListSimulationsOfUserByStartTimeAscParams(p))
		return convertListRows(rows, err, func(r dbsqlc.ListSimulationsOfUserByStartTimeAscRow) listSimulationRow { return listSimulationRow(r) })
	case descending:
		rows, err := queries.ListSimulationsOfUserByEndTimeDesc(ctx, db, dbsqlc.ListSimulationsOfUserByEndTimeDescParams(p))
		return convertListRows(rows, err, func(r dbsqlc.ListSimulationsOfUserByEndTimeDescRow) listSimulationRow { return listSimulationRow(r) })
	default:
		rows, err := queries.ListSimulationsOfUserByEndTimeAsc(ctx, db, dbsqlc.ListSimulationsOfUserByEndTimeAscParams(p))
		return convertListRows(rows, err, func(r dbsqlc.ListSimulationsOfUserByEndTimeAscRow) listSimulationRow { return listSimulationRow(r) })
	}
}

// convertListRows converts the rows of one of the list queries into listSimulationRow.
func convertListRows[R any](rows []R, err error, convert func(R) listSimulationRow) ([]listSimulationRow, error) {
	if err != nil {
		return nil, err
	}
	out := make([]listSimulationRow, len(rows))
	for i, r := range rows {
		out[i] = convert(r)
	}
	return out, nil
}

// listParams validates q and turns it into the query's parameters, returning the page index and size used.
func listParams(q SimulationQuery) (listSimulationParams, int, int, error) {
	var none listSimulationParams
	size := q.PageSize
	if size == 0 {
		size = DefaultPageSize
	}
	if size < 1 || size > MaxPageSize {
		return none, 0, 0, invalidf("page size %d is outside 1..%d", q.PageSize, MaxPageSize)
	}
	page := q.Page
	if page == 0 {
		page = 1
	}
	if page < 1 {
		return none, 0, 0, invalidf("page index %d is below 1", q.Page)
	}
	// Compared before multiplying, which would overflow for a huge page index and wrap to a small offset.
	if int64(page-1) > math.MaxInt32/int64(size) {
		return none, 0, 0, invalidf("page %d of size %d is past the last possible page", page, size)
	}
	offset := int64(page-1) * int64(size)
	if q.OrderBy != OrderByStartTime && q.OrderBy != OrderByEndTime {
		return none, 0, 0, invalidf("unknown sort key %d", q.OrderBy)
	}
	states, err := stateStrings(q.States)
	if err != nil {
		return none, 0, 0, err
	}
	userID := q.UserID
	return listSimulationParams{
		UserID:     &userID,
		States:     states,
		PageOffset: int32(offset),
		PageSize:   int32(size),
	}, page, size, nil
}

// ListAllSimulations returns every simulation, or only those owned by the user with id *userID when userID is
// not nil, each with its variant, newest first (start time descending, simulations without a start time
// last, ties broken by id descending). It is meant for operators; services list one user's simulations page
// by page with ListSimulations. An empty database gives an empty slice. A simulation whose variant row is
// missing gives an error matching ErrMissingVariant.
func (s *Store) ListAllSimulations(ctx context.Context, userID *int32) ([]Simulation, error) {
	rows, err := queries.ListAllSimulations(ctx, s.exec(), userID)
	if err != nil {
		return nil, mapError(err)
	}
	return convertRows(rows, func(r dbsqlc.ListAllSimulationsRow) (Simulation, error) {
		return simulationFromRow(simulationRow(r))
	})
}

package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/yapstore/yapstore/store/internal/dbsqlc"
)

// Group commit of task progress: see "Group commit" in the package documentation for what it promises.

// maxProgressGroup bounds the updates in one group statement: past a few hundred, a larger group saves no
// more commits and holds its row locks longer.
const maxProgressGroup = 256

// groupStatementTimeout bounds a group's statement, which runs detached from the callers' contexts (one
// caller giving up must not fail the others).
const groupStatementTimeout = time.Minute

// defaultGatherWait bounds how long the leader of a group waits for as many calls as the group before it held.
// Without the wait, when that group's callers reported again at once, the first of them back went out alone
// and the others waited a whole commit for it.
const defaultGatherWait = 200 * time.Microsecond

// progressGroup collects the ReportTaskProgress calls of one Store. At most maxLeaders goroutines, the
// leaders, send a group each at a time; the other calls wait in pending. When a leader's group is done it
// hands its lead to the oldest waiting call, whose goroutine sends the next group. So pending is empty
// whenever fewer than maxLeaders lead, and a call that finds a lead free goes out at once, alone, unless
// a group was just answered (returning): then it waits up to gatherWait for as many calls as that group
// held, since the load that filled one group most likely fills the next at once (callers answered together
// often report again together).
type progressGroup struct {
	mu         sync.Mutex
	pending    []*progressCall
	leaders    int // goroutines that hold a lead: sending a group, or told to send the next
	maxLeaders int
	gatherWait time.Duration // the longest a leader waits for the group last answered (defaultGatherWait)
	returning  int           // the size of the group last answered, while no leader has gathered it yet
	arrived    chan struct{} // when a leader gathers: closed, and cleared, as a call joins pending
}

// progressCall is one ReportTaskProgress call waiting in a group.
type progressCall struct {
	simulationID, number int32
	update               TaskUpdate
	state                *string

	lead    chan struct{} // receives once when this call's goroutine is to lead
	told    bool          // lead has been sent (guarded by the group's mutex)
	done    chan struct{} // closed when applied and err are set
	applied bool
	err     error
}

// taskKey names a task: its simulation and its number.
type taskKey struct{ simulation, number int32 }

// key returns the task c reports on.
func (c *progressCall) key() taskKey { return taskKey{c.simulationID, c.number} }

// report applies c as part of a group and returns its outcome. ctx bounds the wait: when it ends before c
// was sent, c is withdrawn and ctx's error returned; when it ends while c's group is at the server, the
// error says the outcome is unknown, as for any statement cut short.
func (g *progressGroup) report(ctx context.Context, s *Store, c *progressCall) (bool, error) {
	c.lead, c.done = make(chan struct{}, 1), make(chan struct{})
	g.mu.Lock()
	g.pending = append(g.pending, c)
	if g.arrived != nil {
		close(g.arrived)
		g.arrived = nil
	}
	leader := g.leaders < g.maxLeaders
	if leader {
		g.leaders++
	}
	g.mu.Unlock()
	if leader {
		g.sendNext(ctx, s)
	}
	for {
		select {
		case <-c.done:
			return c.applied, c.err
		case <-c.lead:
			g.sendNext(ctx, s)
		case <-ctx.Done():
			if g.withdraw(c) {
				return false, mapError(ctx.Err())
			}
			// c is at the server: its outcome will be known, but not to this caller.
			return false, fmt.Errorf("%w (the update may or may not have been applied)", mapError(ctx.Err()))
		}
	}
}

// withdraw removes c from pending, passing the lead on if c held it, and reports whether c was still pending.
func (g *progressGroup) withdraw(c *progressCall) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	i := slices.Index(g.pending, c)
	if i < 0 {
		return false
	}
	g.pending = slices.Delete(g.pending, i, i+1)
	select {
	case <-c.lead: // c had been told to lead: the next one leads instead
		g.handOffLocked()
	default:
	}
	return true
}

// sendNext gathers the group last answered, takes the next group from pending, sends it, settles its calls
// and hands the lead on.
func (g *progressGroup) sendNext(ctx context.Context, s *Store) {
	g.gather(ctx)
	g.mu.Lock()
	group := g.takeLocked()
	g.returning = 0
	g.mu.Unlock()
	if len(group) > 0 {
		s.sendProgressGroup(ctx, group)
	}
	g.mu.Lock()
	g.returning = len(group) // gather waits only after a group of several
	g.handOffLocked()
	g.mu.Unlock()
}

// gather waits, up to gatherWait, until as many calls are pending as the group last answered held.
func (g *progressGroup) gather(ctx context.Context) {
	g.mu.Lock()
	want := g.returning
	g.mu.Unlock()
	if want < 2 {
		return
	}
	timer := time.NewTimer(g.gatherWait)
	defer timer.Stop()
	for {
		g.mu.Lock()
		if g.returning == 0 || len(g.pending) >= want {
			g.mu.Unlock()
			return
		}
		if g.arrived == nil {
			g.arrived = make(chan struct{})
		}
		arrived := g.arrived
		g.mu.Unlock()
		select {
		case <-arrived:
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// takeLocked removes from pending, oldest first, up to maxProgressGroup calls of distinct tasks; a call for a
// task already in the group stays for the next one.
func (g *progressGroup) takeLocked() []*progressCall {
	var (
		group []*progressCall
		seen  = map[taskKey]bool{}
		rest  = g.pending[:0]
	)
	for _, c := range g.pending {
		k := c.key()
		if len(group) < maxProgressGroup && !seen[k] {
			seen[k] = true
			group = append(group, c)
		} else {
			rest = append(rest, c)
		}
	}
	clear(g.pending[len(rest):])
	g.pending = rest
	return group
}

// handOffLocked passes a lead on to the oldest pending call that has not been told to lead yet, or gives it
// up when there is none.
func (g *progressGroup) handOffLocked() {
	for _, c := range g.pending {
		if !c.told {
			c.told = true
			c.lead <- struct{}{}
			return
		}
	}
	g.leaders--
}

// sendProgressGroup applies the calls of group and settles each. A lone call is sent as ReportTaskProgress's
// single-row statement under its caller's context, exactly as without grouping; a group goes as one
// statement under a context of its own.
func (s *Store) sendProgressGroup(ctx context.Context, group []*progressCall) {
	if len(group) == 1 {
		c := group[0]
		c.applied, c.err = s.reportOne(ctx, c.simulationID, c.number, c.update, c.state)
		close(c.done)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), groupStatementTimeout)
	defer cancel()
	params := dbsqlc.ReportTaskProgressGroupParams{Now: s.now()}
	for _, c := range group {
		u := c.update
		params.SimulationIds = append(params.SimulationIds, c.simulationID)
		params.TaskIds = append(params.TaskIds, c.number)
		params.RequestedPrimaries = append(params.RequestedPrimaries, orMinusOne(u.RequestedPrimaries))
		params.SimulatedPrimaries = append(params.SimulatedPrimaries, orMinusOne(u.SimulatedPrimaries))
		params.TaskStates = append(params.TaskStates, orZero(c.state))
		params.EstimatedTimes = append(params.EstimatedTimes, orMinusOne(u.EstimatedTime))
		params.StartTimes = append(params.StartTimes, timeText(u.StartTime))
		params.EndTimes = append(params.EndTimes, timeText(u.EndTime))
	}
	var rows []dbsqlc.ReportTaskProgressGroupRow
	err := s.config().retry(ctx, "statement", func() (err error) {
		rows, err = queries.ReportTaskProgressGroup(ctx, s.exec(), params)
		return err
	})
	if err == nil && len(rows) != len(group) {
		err = fmt.Errorf("yapstore: group of %d progress updates answered %d rows", len(group), len(rows))
	}
	for i, c := range group {
		switch {
		case err != nil:
			c.err = mapError(err)
		case !rows[i].Found:
			c.err = notFoundf("task %d of simulation %d", c.number, c.simulationID)
		default:
			c.applied = rows[i].Applied
		}
		close(c.done)
	}
}

// orMinusOne returns *p, or -1 (the group statement's "not given") for nil.
func orMinusOne(p *int32) int32 {
	if p == nil {
		return -1
	}
	return *p
}

// timeText returns t as PostgreSQL reads a timestamptz, to the microsecond, or "" (not given) for nil.
func timeText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05.999999Z07:00")
}

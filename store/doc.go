// Package store is yapstore's typed API over the yaptide platform's database: users, clusters, simulations
// and their tasks, inputs, results and log files. It works on a database the platform's Python backend
// created and still writes, reading and writing the same rows, blobs and password hashes.
//
// # Opening a store
//
// [Open] connects to a database URL and owns its pool; [New] wraps a pool the caller owns. Both first check
// that the database's schema is at the migration head this build embeds, and refuse one that is not with
// [ErrSchemaNotCurrent] naming the yapstore command that fixes it ([AllowNewerSchema] and [SkipSchemaCheck]
// relax that). Applying the embedded migrations belongs to package migrate, so that a service that only reads
// and writes links none of Atlas: migrate.Apply before Open brings a database to the head (under the Atlas
// CLI's lock, so concurrent starts migrate once). Every method takes a context first and is safe for concurrent use; a nil
// or zero Store answers [ErrClosed].
//
// A service hooks its own concerns in with options: [WithPoolConfig] and [WithMaxConns] shape Open's pool,
// [WithTracer] reports every statement to a pgx tracer (with New too), [WithLogger] logs what the Store decides
// on its own (retries, a newer schema accepted, blobs left out), and [Store.Stat] gives the pool's statistics.
//
// # JSON
//
// The public types marshal to the platform's REST shapes, so a Go service answers what the platform's clients
// read without types of its own: a [Simulation] as GET /user/simulations lists it and a [SimulationPage] as
// that endpoint's body, a [Task] as the platform reports a task's status, [TaskUpdate] and [SimulationUpdate]
// as the update_dict a worker posts (decoding one is how a service reads POST /tasks), an [Estimator] and
// [Results] as GET /results writes them. Times follow the platform: HTTP dates in responses, the workers'
// "2006-01-02 15:04:05.000000" in updates. Users marshal without a hash, certificate or key.
//
// # Group commit
//
// A fleet of workers reports task progress all the time, and every report used to be its own statement and
// its own commit. [Store.ReportTaskProgress] calls that arrive while another group of them is at the server
// wait for it and then go together, one statement and one commit, each call learning its own outcome
// (applied, a task in a terminal state, ErrNotFound); a call that finds no group at the server goes out at
// once, alone, so one client waits no longer than before. The one exception is the moment after a group of
// several was answered: the load that filled it most likely fills the next at once (its callers often report
// again together), so the next group's first call waits up to 200µs for as many calls as that group held,
// instead of going alone while they wait for its commit; a lone client's groups are of one, and it never
// waits. A call returns only after its own update is committed. Two reports of one task are never in one
// group, so a task's reports apply in the order they were made; invalid values fail the call before it joins
// a group; a call whose context ends while it waits is withdrawn, never applied. Inside InTx there is no
// grouping. [WithGroupCommit] sets how many groups may be at the server at once, or turns grouping off.
//
// # Transactions
//
// InTx runs a function in one transaction, retrying it on serialization failures and deadlocks; the Store it
// hands the function has every method, so any sequence of calls can be made atomic. A single statement outside
// InTx is retried the same way. Most methods need no
// transaction: each logical operation is written as one statement (a CTE that writes a parent row and its
// child rows together), so it is atomic and costs one round trip. Submitting a simulation with its tasks and
// input, a task's progress update, saving a whole results payload and reading all results of a job are one
// statement each.
//
// # Pipelines
//
// A Pipeline sends several operations in one round trip, run as one transaction: NewPipeline, queue operations
// (SubmitDirect, SubmitBatch, UpdateSimulation, UpdateSimulationByJobID, UpdateTaskProgress), Send, then read
// each outcome from its Queued handle. A queued submission knows its job id at once, so a simulation can be
// submitted and moved to Pending with one commit; a worker can report several tasks together. The statements
// are sqlc's, recorded rather than sent, and their results scanned by sqlc's code.
//
// # The families
//
// Users, simulations and tasks are stored with joined-table inheritance: a parent row plus one child row
// chosen by a discriminator column. Each family is one Go type that carries its variant, so a caller never
// holds a parent without knowing its kind:
//
//   - User: Password (a YaptideUser row) or SSO (a KeycloakUser row), by Provider.
//   - Simulation: Direct (CelerySimulation) or Batch (BatchSimulation, with its cluster), by Platform.
//   - Task: Direct (CeleryTask, with its Celery id) or Batch (BatchTask), by Platform.
//
// A row whose child is missing (possible only in a database written by hand) is reported with
// ErrMissingVariant rather than returned half-filled.
//
// # The API by area
//
//   - Users: CreatePasswordUser, Authenticate, ChangePassword, UpsertSSOUser, GetUser, GetUserByName,
//     ListUsers, DeleteUser (DeleteOwnedSimulations to take the user's simulations along).
//   - Clusters: CreateCluster, GetCluster, GetClusterByName, ListClusters.
//   - Simulations: SubmitDirect, SubmitBatch, GetSimulation, GetSimulationByJobID, ListSimulations (a page of
//     one user's simulations with the total), UpdateSimulation, UpdateSimulationByJobID, CancelSimulation,
//     DeleteSimulation (Force for a running one); ListAllSimulations for operators.
//   - Tasks: GetTask, ListTasks, UpdateTaskProgress, ReportTaskProgress (the same update for a worker's hot
//     path: one plain UPDATE that reads nothing back), SimulationStateFromTasks (DeriveSimulationState is the
//     rule itself), DeleteTask and ListTasksOfSimulations for operators.
//   - Inputs and log files: SaveInput, GetInput, GetInputInto, SaveLogfiles, SaveLogfilesJSON, GetLogfiles,
//     GetLogfilesJSON.
//   - Results: SaveResults and SaveResultsJSON (upsert, then the simulation is completed); GetResults,
//     GetEstimator, GetPage, GetPages, GetPagesBySpec (the platform's "1-3,5" page specs, parsed strictly by
//     ParsePageSpec) and ListPageInfo (metadata without blobs), read by job id.
//
// Reads that users make take OwnedBy(userID): another user's simulation is then not found. A results read
// fails with [ErrUnreadableBlob] (a [*BlobError] naming the estimator and page) at a blob it cannot decompress,
// unless [ReportUnreadable] collects those and returns the rest; [MaxReadBytes] bounds its decompressed text
// as a whole. Pages keep NaN and Infinity as the platform's Python writes them; [Results.WriteJSON] writes
// them where json.Marshal cannot.
//
// # The platform's rules
//
// A simulation or task in a terminal state (Completed, Failed, Canceled) is never changed by an update; the
// update reports that it was not applied. A task update sets only the fields it gives; reaching Completed
// sets simulated to requested primaries; start and end times are set once; setting the end time clears the
// estimated time; every applied update stamps last_update_time. Results are upserted by (simulation,
// estimator name) and (estimator, page number), page blobs always overwritten, and read back in estimator id
// and page number order.
//
// # Errors
//
// Errors match the sentinels with errors.Is: [ErrNotFound], [ErrConflict], [ErrInvalid],
// [ErrStillReferenced], [ErrStillRunning], [ErrBadCredentials], [ErrMissingVariant], [ErrClosed],
// [ErrSchemaNotCurrent], [ErrUnreadableBlob], the server's interruptions [ErrTimeout], [ErrCanceled] and
// [ErrConnectionLost], and for a stored password hash Authenticate cannot check [ErrMalformedHash],
// [ErrUnsupportedHash] and [ErrHashTooCostly]. Errors that come from a constraint are also a
// [*ConstraintError] (errors.As) naming it. Invalid values (an unknown state, a malformed page spec, a
// duplicate page in one payload, a name with a NUL byte or longer than [MaxNameBytes]) are refused before
// anything is sent. Context cancellation passes through: errors.Is(err, context.Canceled) holds, and nothing
// is left half-written. No error, String, JSON or log value of this package carries a password, a hash, a
// private key or a certificate.
package store

// The queries whose row comes out of a data-modifying CTE return the table's columns flat; rowgen writes the
// copies into the table's own type (rows_gen.go), so that one function maps each table.
//go:generate go run ./internal/rowgen UpdateTaskProgressRow=Task SubmitDirectRow=Simulation SubmitBatchRow=Simulation

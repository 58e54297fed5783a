package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// floorIngestSQL upserts every estimator and page of a payload and completes the simulation in one
// statement. Estimators come as parallel arrays ($2 names, $3 metadata blobs); pages as parallel arrays
// naming their estimator by file name ($4) with number, name, dimension and blob.
const floorIngestSQL = `
WITH est AS (
    INSERT INTO "Estimator" (simulation_id, name, file_name, compressed_data)
    SELECT $1, e.name, e.name, e.data FROM unnest($2::text[], $3::bytea[]) WITH ORDINALITY AS e(name, data, ord)
    ORDER BY e.ord
    ON CONFLICT (simulation_id, file_name) DO UPDATE SET file_name = EXCLUDED.file_name
    RETURNING id, file_name
), page AS (
    INSERT INTO "Page" (estimator_id, page_number, page_name, page_dimension, compressed_data)
    SELECT est.id, p.number, p.name, p.dimension, p.data
    FROM unnest($4::text[], $5::int[], $6::text[], $7::int[], $8::bytea[]) AS p(file_name, number, name, dimension, data)
    JOIN est ON est.file_name = p.file_name
    ON CONFLICT (estimator_id, page_number) DO UPDATE SET
        compressed_data = EXCLUDED.compressed_data, page_name = EXCLUDED.page_name,
        page_dimension = EXCLUDED.page_dimension
)
UPDATE "Simulation" SET job_state = 'COMPLETED', end_time = coalesce(end_time, now())
WHERE id = $1 AND job_state NOT IN ('COMPLETED', 'FAILED', 'CANCELED')`

// floorPayload is the results payload as encoding/json splits it: estimators with their metadata and page
// texts left undecoded.
type floorPayload struct {
	Estimators []struct {
		Name     string            `json:"name"`
		Metadata json.RawMessage   `json:"metadata"`
		Pages    []json.RawMessage `json:"pages"`
	} `json:"estimators"`
}

// floorPageColumns are the columns a page's metadata gives.
type floorPageColumns struct {
	Metadata struct {
		PageNumber string `json:"page_number"`
		Name       string `json:"name"`
	} `json:"metadata"`
	Dimensions int32 `json:"dimensions"`
}

// IngestResults decodes the payload's structure, compacts and compresses every text on GOMAXPROCS
// goroutines, and sends everything in one statement.
func (f *floorImpl) IngestResults(ctx context.Context, simulationID int32, payload []byte) error {
	var doc floorPayload
	if err := json.Unmarshal(payload, &doc); err != nil {
		return fmt.Errorf("floor: payload: %w", err)
	}
	var texts []json.RawMessage
	for _, est := range doc.Estimators {
		texts = append(texts, est.Metadata)
		texts = append(texts, est.Pages...)
	}
	blobs := make([][]byte, len(texts))
	columns := make([]floorPageColumns, len(texts))
	err := parallel(len(texts), func(i int, buf *bytes.Buffer) error {
		buf.Reset()
		if err := json.Compact(buf, texts[i]); err != nil {
			return err
		}
		if err := json.Unmarshal(buf.Bytes(), &columns[i]); err != nil {
			columns[i] = floorPageColumns{} // metadata objects need no columns
		}
		blob, err := f.codec.CompressJSON(buf.Bytes())
		blobs[i] = blob
		return err
	})
	if err != nil {
		return fmt.Errorf("floor: compress: %w", err)
	}
	var (
		names, pageFiles, pageNames []string
		metaBlobs, pageBlobs        [][]byte
		numbers, dimensions         []int32
	)
	i := 0
	for _, est := range doc.Estimators {
		names, metaBlobs = append(names, est.Name), append(metaBlobs, blobs[i])
		i++
		for range est.Pages {
			number, err := strconv.ParseInt(columns[i].Metadata.PageNumber, 10, 32)
			if err != nil {
				return fmt.Errorf("floor: estimator %q: page_number: %w", est.Name, err)
			}
			pageFiles = append(pageFiles, est.Name)
			numbers = append(numbers, int32(number))
			pageNames = append(pageNames, columns[i].Metadata.Name)
			dimensions = append(dimensions, columns[i].Dimensions)
			pageBlobs = append(pageBlobs, blobs[i])
			i++
		}
	}
	_, err = f.pool.Exec(ctx, floorIngestSQL, simulationID, names, metaBlobs, pageFiles, numbers, pageNames,
		dimensions, pageBlobs)
	return err
}

const (
	floorEstimatorsSQL = `
SELECT e.id, e.name, e.compressed_data
FROM "Estimator" e JOIN "Simulation" s ON s.id = e.simulation_id
WHERE s.job_id = $1
ORDER BY e.id`
	floorPagesSQL = `
SELECT p.estimator_id, p.compressed_data
FROM "Page" p JOIN "Estimator" e ON e.id = p.estimator_id JOIN "Simulation" s ON s.id = e.simulation_id
WHERE s.job_id = $1
ORDER BY p.estimator_id, p.page_number`
)

// ReadResults reads estimators and pages in one pipelined batch and decompresses the blobs on GOMAXPROCS
// goroutines.
func (f *floorImpl) ReadResults(ctx context.Context, jobID string) ([]EstimatorValues, error) {
	type blob struct {
		data []byte
		into *json.RawMessage
	}
	var (
		estimators []EstimatorValues
		ids        []int32
		metaBlobs  [][]byte
		pageOwners []int32
		pageBlobs  [][]byte
	)
	var b pgx.Batch
	b.Queue(floorEstimatorsSQL, jobID).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var id int32
			var name string
			var data []byte
			if err := rows.Scan(&id, &name, &data); err != nil {
				return err
			}
			ids, metaBlobs = append(ids, id), append(metaBlobs, data)
			estimators = append(estimators, EstimatorValues{Name: name})
		}
		return rows.Err()
	})
	b.Queue(floorPagesSQL, jobID).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var owner int32
			var data []byte
			if err := rows.Scan(&owner, &data); err != nil {
				return err
			}
			pageOwners, pageBlobs = append(pageOwners, owner), append(pageBlobs, data)
		}
		return rows.Err()
	})
	if err := f.pool.SendBatch(ctx, &b).Close(); err != nil {
		return nil, err
	}
	index := make(map[int32]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	perEstimator := make([]int, len(ids))
	for _, owner := range pageOwners {
		perEstimator[index[owner]]++
	}
	for i := range estimators {
		estimators[i].Pages = make([]json.RawMessage, 0, perEstimator[i])
	}
	jobs := make([]blob, 0, len(ids)+len(pageOwners))
	for i := range estimators {
		jobs = append(jobs, blob{metaBlobs[i], &estimators[i].Metadata})
	}
	for p, owner := range pageOwners {
		est := &estimators[index[owner]]
		est.Pages = append(est.Pages, nil)
		jobs = append(jobs, blob{pageBlobs[p], &est.Pages[len(est.Pages)-1]})
	}
	err := parallel(len(jobs), func(i int, _ *bytes.Buffer) error {
		text, err := f.codec.DecompressJSON(jobs[i].data)
		*jobs[i].into = text
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("floor: decompress: %w", err)
	}
	return estimators, nil
}

// parallel calls fn(i, buf) for every i in [0, n) on GOMAXPROCS goroutines, each with a buffer of its own,
// and returns the first error.
func parallel(n int, fn func(i int, buf *bytes.Buffer) error) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), n))
	var (
		next    atomic.Int64
		errOnce sync.Once
		first   error
		wg      sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			var buf bytes.Buffer
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i, &buf); err != nil {
					errOnce.Do(func() { first = err })
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

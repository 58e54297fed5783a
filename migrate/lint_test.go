package migrate_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/migrate"
)

func TestLint(t *testing.T) {
	t.Parallel()
	dir := fstest.MapFS{
		"20200101000000_released.sql": {Data: []byte(`CREATE INDEX "old_idx" ON "Task" ("end_time");` + "\n")},
		"20300101000000_blocking.sql": {Data: []byte(`-- a new table may take anything
CREATE TABLE "Note" ("id" integer NOT NULL, "text" text);
CREATE INDEX "Note_text_idx" ON "Note" ("text");
ALTER TABLE "Note" ADD CONSTRAINT "note_uc" UNIQUE ("text");
CREATE INDEX "Task_end_time_idx" ON "Task" ("end_time");
ALTER TABLE "Page" ADD CONSTRAINT "page_name_uc" UNIQUE ("page_name");
ALTER TABLE "Page" ADD COLUMN "note" text NOT NULL;
ALTER TABLE "Page" ADD COLUMN "kind" text NOT NULL DEFAULT 'plain';
ALTER TABLE "Task" ALTER COLUMN "platform" SET NOT NULL;
ALTER TABLE "Task" ALTER COLUMN "estimated_time" TYPE bigint;
CREATE INDEX CONCURRENTLY "Task_start_time_idx" ON "Task" ("start_time");
`)},
		"20300101000001_safe.sql": {Data: []byte(`-- atlas:txmode none
CREATE INDEX CONCURRENTLY "Task_start_time_idx" ON "Task" ("start_time");
ALTER TABLE "Page" ADD CONSTRAINT "page_uc" UNIQUE USING INDEX "page_idx";
`)},
		"20300101000002_waived.sql": {Data: []byte(`-- lint:allow column-type-change "Cluster" holds a handful of rows
ALTER TABLE "Cluster" ALTER COLUMN "cluster_name" TYPE text;
`)},
	}
	findings, err := migrate.Lint(dir, "20200101000000")
	require.NoError(t, err)
	type hit struct {
		line int
		rule string
	}
	var hits []hit
	for _, f := range findings {
		assert.Equal(t, "20300101000000_blocking.sql", f.File, f.String())
		hits = append(hits, hit{f.Line, f.Rule})
	}
	assert.Equal(t, []hit{
		{5, migrate.RuleIndexNotConcurrent},
		{6, migrate.RuleIndexNotConcurrent},
		{7, migrate.RuleNotNullWithoutDefault},
		{9, migrate.RuleNotNullWithoutDefault},
		{10, migrate.RuleColumnTypeChange},
		{11, migrate.RuleConcurrentIndexInTx},
	}, hits)
	assert.Contains(t, findings[0].String(), "-- lint:allow index-not-concurrent")

	all, err := migrate.Lint(dir, "")
	require.NoError(t, err)
	assert.Len(t, all, len(findings)+1, "the released file is linted too when asked")

	_, err = migrate.Lint(fstest.MapFS{"20300101000003_x.sql": {Data: []byte("-- lint:allow column-type-change\nSELECT 1;\n")}}, "")
	require.ErrorContains(t, err, "gives no reason")
}

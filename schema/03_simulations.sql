-- Simulations: joined-table inheritance on "Simulation", discriminated by platform.
-- "CelerySimulation" holds DIRECT simulations, "BatchSimulation" BATCH ones.

CREATE TABLE "Simulation" (
  "id" serial NOT NULL,
  "job_id" character varying NOT NULL,
  "user_id" integer NULL,
  "start_time" timestamptz NULL,
  "end_time" timestamptz NULL,
  "title" character varying NOT NULL,
  "platform" character varying NOT NULL,
  "input_type" character varying NOT NULL,
  "sim_type" character varying NOT NULL,
  "job_state" character varying NOT NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "Simulation_job_id_key" UNIQUE ("job_id"),
  CONSTRAINT "Simulation_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "User" ("id")
);

CREATE TABLE "CelerySimulation" (
  "id" integer NOT NULL,
  "merge_id" character varying NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "CelerySimulation_id_fkey" FOREIGN KEY ("id") REFERENCES "Simulation" ("id") ON DELETE CASCADE
);

CREATE TABLE "BatchSimulation" (
  "id" integer NOT NULL,
  "cluster_id" integer NOT NULL,
  "job_dir" character varying NULL,
  "array_id" integer NULL,
  "collect_id" integer NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "BatchSimulation_id_fkey" FOREIGN KEY ("id") REFERENCES "Simulation" ("id") ON DELETE CASCADE,
  CONSTRAINT "BatchSimulation_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "Cluster" ("id")
);

-- yapstore improvements over the production schema (not in the baseline migration).

-- A user's simulation list filters by owner and orders by start or end time; these also serve the foreign key.
CREATE INDEX "Simulation_user_id_start_time_idx" ON "Simulation" ("user_id", "start_time");
CREATE INDEX "Simulation_user_id_end_time_idx" ON "Simulation" ("user_id", "end_time");
-- The platform's default list, newest first, in the index's own order, with the state its filter reads: a
-- page is the index entries after OFFSET, and its total count an index-only scan.
CREATE INDEX "Simulation_user_id_start_time_desc_idx" ON "Simulation" ("user_id", "start_time" DESC NULLS LAST, "id" DESC) INCLUDE ("job_state");
-- Checking the foreign key when a cluster is deleted.
CREATE INDEX "BatchSimulation_cluster_id_idx" ON "BatchSimulation" ("cluster_id");

ALTER TABLE "Simulation" ADD CONSTRAINT "Simulation_platform_check"
  CHECK ("platform" IN ('DIRECT', 'BATCH'));
ALTER TABLE "Simulation" ADD CONSTRAINT "Simulation_input_type_check"
  CHECK ("input_type" IN ('EDITOR', 'FILES'));
ALTER TABLE "Simulation" ADD CONSTRAINT "Simulation_sim_type_check"
  CHECK ("sim_type" IN ('shieldhit', 'topas', 'fluka', 'dummy'));
ALTER TABLE "Simulation" ADD CONSTRAINT "Simulation_job_state_check"
  CHECK ("job_state" IN ('UNKNOWN', 'PENDING', 'RUNNING', 'MERGING_QUEUED', 'MERGING_RUNNING', 'CANCELED',
                         'COMPLETED', 'FAILED'));

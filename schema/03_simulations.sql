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

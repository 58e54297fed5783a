-- Tasks of a simulation: joined-table inheritance on "Task", discriminated by platform.
-- "CeleryTask" holds DIRECT tasks (numbered from 0), "BatchTask" BATCH ones (numbered from 1).

CREATE TABLE "Task" (
  "id" serial NOT NULL,
  "simulation_id" integer NULL,
  "task_id" integer NOT NULL,
  "requested_primaries" integer NOT NULL,
  "simulated_primaries" integer NOT NULL,
  "task_state" character varying NOT NULL,
  "estimated_time" integer NULL,
  "start_time" timestamptz NULL,
  "end_time" timestamptz NULL,
  "platform" character varying NOT NULL,
  "last_update_time" timestamptz NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "_simulation_id_task_id_uc" UNIQUE ("simulation_id", "task_id"),
  CONSTRAINT "Task_simulation_id_fkey" FOREIGN KEY ("simulation_id") REFERENCES "Simulation" ("id") ON DELETE CASCADE
);

CREATE TABLE "CeleryTask" (
  "id" integer NOT NULL,
  "celery_id" character varying NOT NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "CeleryTask_id_fkey" FOREIGN KEY ("id") REFERENCES "Task" ("id") ON DELETE CASCADE
);

CREATE TABLE "BatchTask" (
  "id" integer NOT NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "BatchTask_id_fkey" FOREIGN KEY ("id") REFERENCES "Task" ("id") ON DELETE CASCADE
);

-- yapstore improvements over the production schema (not in the baseline migration).
-- Lookups by simulation are served by "_simulation_id_task_id_uc".
--
-- "Task" deliberately has no CHECK constraints on platform and task_state, unlike "Simulation": PostgreSQL
-- rebuilds a table's CHECK expressions from their stored text on every statement that writes the table, and
-- on the workers' progress UPDATE that doubled the server's CPU per update (about 19 to 37 us, PostgreSQL 15).
-- The store refuses unknown states and platforms before it writes.

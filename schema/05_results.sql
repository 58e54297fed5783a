-- Inputs, results (estimators and their pages) and log files of a simulation.
-- Every compressed_data column holds gzip of UTF-8 JSON text (see package compress).

CREATE TABLE "Input" (
  "id" serial NOT NULL,
  "simulation_id" integer NULL,
  "compressed_data" bytea NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "Input_simulation_id_fkey" FOREIGN KEY ("simulation_id") REFERENCES "Simulation" ("id") ON DELETE CASCADE
);

CREATE TABLE "Estimator" (
  "id" serial NOT NULL,
  "simulation_id" integer NOT NULL,
  "name" character varying NOT NULL,
  "file_name" character varying NOT NULL DEFAULT '',
  "compressed_data" bytea NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "Estimator_simulation_id_fkey" FOREIGN KEY ("simulation_id") REFERENCES "Simulation" ("id") ON DELETE CASCADE
);

CREATE TABLE "Page" (
  "id" serial NOT NULL,
  "page_name" character varying NOT NULL DEFAULT '',
  "estimator_id" integer NOT NULL,
  "page_number" integer NOT NULL,
  "compressed_data" bytea NULL,
  "page_dimension" integer NOT NULL DEFAULT 0,
  PRIMARY KEY ("id"),
  CONSTRAINT "Page_estimator_id_fkey" FOREIGN KEY ("estimator_id") REFERENCES "Estimator" ("id") ON DELETE CASCADE
);

CREATE TABLE "Logfiles" (
  "id" serial NOT NULL,
  "simulation_id" integer NOT NULL,
  "compressed_data" bytea NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "Logfiles_simulation_id_fkey" FOREIGN KEY ("simulation_id") REFERENCES "Simulation" ("id") ON DELETE CASCADE
);

-- yapstore improvements over the production schema (not in the baseline migration).

-- Results are upserted in one statement, which needs these keys; they also serve the foreign-key lookups.
ALTER TABLE "Estimator" ADD CONSTRAINT "_simulation_id_file_name_uc" UNIQUE ("simulation_id", "file_name");
ALTER TABLE "Page" ADD CONSTRAINT "_estimator_id_page_number_uc" UNIQUE ("estimator_id", "page_number");
-- Inputs and log files are read by simulation.
CREATE INDEX "Input_simulation_id_idx" ON "Input" ("simulation_id");
CREATE INDEX "Logfiles_simulation_id_idx" ON "Logfiles" ("simulation_id");

-- atlas:txmode none

-- Create index "Simulation_user_id_start_time_desc_idx" to table: "Simulation", concurrently: submissions and
-- updates go on while it is built.
CREATE INDEX CONCURRENTLY "Simulation_user_id_start_time_desc_idx" ON "Simulation" ("user_id", "start_time" DESC NULLS LAST, "id" DESC) INCLUDE ("job_state");

-- The platform's production schema as its Alembic migrations build it (head 5003b9acb1f4), written the way
-- SQLAlchemy emits DDL, from the facts in DESIGN.md. Columns that later revisions added come last, through
-- ALTER TABLE, as they do in production. Lines marked "-- default" are what create_all leaves out.
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE "Cluster" (
	id SERIAL NOT NULL,
	cluster_name VARCHAR NOT NULL,
	PRIMARY KEY (id)
);
CREATE TABLE "User" (
	id SERIAL NOT NULL,
	username VARCHAR NOT NULL,
	auth_provider VARCHAR NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT _username_provider_uc UNIQUE (username, auth_provider)
);
CREATE TABLE "KeycloakUser" (
	id INTEGER NOT NULL,
	cert VARCHAR,
	private_key VARCHAR,
	PRIMARY KEY (id),
	FOREIGN KEY(id) REFERENCES "User" (id) ON DELETE CASCADE
);
CREATE TABLE "Simulation" (
	id SERIAL NOT NULL,
	job_id VARCHAR NOT NULL,
	user_id INTEGER,
	start_time TIMESTAMP WITH TIME ZONE,
	end_time TIMESTAMP WITH TIME ZONE,
	title VARCHAR NOT NULL,
	platform VARCHAR NOT NULL,
	input_type VARCHAR NOT NULL,
	sim_type VARCHAR NOT NULL,
	job_state VARCHAR NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(user_id) REFERENCES "User" (id),
	UNIQUE (job_id)
);
CREATE TABLE "YaptideUser" (
	id INTEGER NOT NULL,
	password_hash VARCHAR NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(id) REFERENCES "User" (id) ON DELETE CASCADE
);
CREATE TABLE "BatchSimulation" (
	id INTEGER NOT NULL,
	cluster_id INTEGER NOT NULL,
	job_dir VARCHAR,
	array_id INTEGER,
	collect_id INTEGER,
	PRIMARY KEY (id),
	FOREIGN KEY(id) REFERENCES "Simulation" (id) ON DELETE CASCADE,
	FOREIGN KEY(cluster_id) REFERENCES "Cluster" (id)
);
CREATE TABLE "CelerySimulation" (
	id INTEGER NOT NULL,
	merge_id VARCHAR,
	PRIMARY KEY (id),
	FOREIGN KEY(id) REFERENCES "Simulation" (id) ON DELETE CASCADE
);
CREATE TABLE "Estimator" (
	id SERIAL NOT NULL,
	simulation_id INTEGER NOT NULL,
	name VARCHAR NOT NULL,
	compressed_data BYTEA,
	PRIMARY KEY (id),
	FOREIGN KEY(simulation_id) REFERENCES "Simulation" (id) ON DELETE CASCADE
);
CREATE TABLE "Input" (
	id SERIAL NOT NULL,
	simulation_id INTEGER,
	compressed_data BYTEA,
	PRIMARY KEY (id),
	FOREIGN KEY(simulation_id) REFERENCES "Simulation" (id) ON DELETE CASCADE
);
CREATE TABLE "Logfiles" (
	id SERIAL NOT NULL,
	simulation_id INTEGER NOT NULL,
	compressed_data BYTEA,
	PRIMARY KEY (id),
	FOREIGN KEY(simulation_id) REFERENCES "Simulation" (id) ON DELETE CASCADE
);
CREATE TABLE "Task" (
	id SERIAL NOT NULL,
	simulation_id INTEGER,
	task_id INTEGER NOT NULL,
	requested_primaries INTEGER NOT NULL,
	simulated_primaries INTEGER NOT NULL,
	task_state VARCHAR NOT NULL,
	estimated_time INTEGER,
	start_time TIMESTAMP WITH TIME ZONE,
	end_time TIMESTAMP WITH TIME ZONE,
	platform VARCHAR NOT NULL,
	last_update_time TIMESTAMP WITH TIME ZONE,
	PRIMARY KEY (id),
	FOREIGN KEY(simulation_id) REFERENCES "Simulation" (id) ON DELETE CASCADE,
	CONSTRAINT _simulation_id_task_id_uc UNIQUE (simulation_id, task_id)
);
CREATE TABLE "BatchTask" (
	id INTEGER NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(id) REFERENCES "Task" (id) ON DELETE CASCADE
);
CREATE TABLE "CeleryTask" (
	id INTEGER NOT NULL,
	celery_id VARCHAR NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(id) REFERENCES "Task" (id) ON DELETE CASCADE
);
CREATE TABLE "Page" (
	id SERIAL NOT NULL,
	estimator_id INTEGER NOT NULL,
	page_number INTEGER NOT NULL,
	compressed_data BYTEA,
	PRIMARY KEY (id),
	FOREIGN KEY(estimator_id) REFERENCES "Estimator" (id) ON DELETE CASCADE
);
ALTER TABLE "Estimator" ADD COLUMN file_name VARCHAR DEFAULT '' NOT NULL; -- default
ALTER TABLE "Page" ADD COLUMN page_name VARCHAR DEFAULT '' NOT NULL; -- default
ALTER TABLE "Page" ADD COLUMN page_dimension INTEGER DEFAULT 0 NOT NULL; -- default
INSERT INTO alembic_version (version_num) VALUES ('5003b9acb1f4');

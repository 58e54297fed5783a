-- HPC clusters that batch simulations run on.

CREATE TABLE "Cluster" (
  "id" serial NOT NULL,
  "cluster_name" character varying NOT NULL,
  PRIMARY KEY ("id")
);

-- yapstore improvements over the production schema (not in the baseline migration).

-- A cluster is addressed by its name, so two clusters may not share one.
ALTER TABLE "Cluster" ADD CONSTRAINT "_cluster_name_uc" UNIQUE ("cluster_name");

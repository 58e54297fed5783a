-- HPC clusters that batch simulations run on.

CREATE TABLE "Cluster" (
  "id" serial NOT NULL,
  "cluster_name" character varying NOT NULL,
  PRIMARY KEY ("id")
);

-- Users: joined-table inheritance on "User", discriminated by auth_provider.
-- "YaptideUser" holds password users, "KeycloakUser" single-sign-on users.

CREATE TABLE "User" (
  "id" serial NOT NULL,
  "username" character varying NOT NULL,
  "auth_provider" character varying NOT NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "_username_provider_uc" UNIQUE ("username", "auth_provider")
);

CREATE TABLE "YaptideUser" (
  "id" integer NOT NULL,
  "password_hash" character varying NOT NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "YaptideUser_id_fkey" FOREIGN KEY ("id") REFERENCES "User" ("id") ON DELETE CASCADE
);

CREATE TABLE "KeycloakUser" (
  "id" integer NOT NULL,
  "cert" character varying NULL,
  "private_key" character varying NULL,
  PRIMARY KEY ("id"),
  CONSTRAINT "KeycloakUser_id_fkey" FOREIGN KEY ("id") REFERENCES "User" ("id") ON DELETE CASCADE
);

-- yapstore improvements over the production schema (not in the baseline migration).

ALTER TABLE "User" ADD CONSTRAINT "User_auth_provider_check"
  CHECK ("auth_provider" IN ('YaptideUser', 'KeycloakUser'));

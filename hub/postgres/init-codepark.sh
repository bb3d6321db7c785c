#!/bin/sh
# Runs once, when the postgres container initialises its data volume: one role and database for
# the hub, another for CodePark's shared store. User containers only ever get the store's
# credentials; the hub's database (tokens, cookies' keys, user list) is out of their reach.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v hub_pw="$JUPYTERHUB_DB_PASSWORD" -v store_pw="$CODEPARK_STORE_PASSWORD" <<'SQL'
CREATE ROLE jupyterhub LOGIN PASSWORD :'hub_pw';
CREATE DATABASE jupyterhub OWNER jupyterhub;
REVOKE ALL ON DATABASE jupyterhub FROM PUBLIC;
CREATE ROLE codepark LOGIN PASSWORD :'store_pw';
CREATE DATABASE codepark OWNER codepark;
REVOKE ALL ON DATABASE codepark FROM PUBLIC;
SQL

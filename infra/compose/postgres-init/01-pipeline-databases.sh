#!/bin/bash
# Runs once, when the postgres container initializes its data folder: the pipeline's role and its
# two databases. The password comes from the container's environment (IM_DB_PASSWORD).
set -euo pipefail
psql -v ON_ERROR_STOP=1 -v password="$IM_DB_PASSWORD" --username postgres <<'SQL'
CREATE ROLE im LOGIN REPLICATION PASSWORD :'password';
CREATE DATABASE im_write OWNER im;
CREATE DATABASE im_read OWNER im;
SQL

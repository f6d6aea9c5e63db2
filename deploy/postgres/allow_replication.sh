#!/bin/sh
# Run once by the PostGIS image when it creates the database (docker-compose.yml mounts it in
# /docker-entrypoint-initdb.d): lets the streaming replica (compose's db-replica) copy and follow
# the primary, with the same password as every other connection.
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"

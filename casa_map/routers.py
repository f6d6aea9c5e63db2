"""Where reads go when a read replica is configured (DATABASE_REPLICA_URL): the planners'
aggregates and the public map, which may lag the primary by a moment, read from the replica;
everything else, and every write, uses the primary. Without a replica both are "default"."""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Models whose reads may come from the replica (the raw SQL of planning.selectors and the
# public map asks replica_connection() directly).
LAGGING_READ_MODELS = {"planning.heatcell", "planning.heatweekcell"}


def replica_alias() -> str:
    return REPLICA if REPLICA in settings.DATABASES else DEFAULT_DB_ALIAS


def replica_connection():
    return connections[replica_alias()]


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return replica_alias() if model._meta.label_lower in LAGGING_READ_MODELS else None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS

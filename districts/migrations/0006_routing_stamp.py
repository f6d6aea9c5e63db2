from django.db import migrations

# A number that changes with every statement that changes who handles what where (authorities,
# préfectures, service areas, categories, assignments). districts.routing_table keeps those
# tables in memory, prepared for point-in-polygon tests, and reloads them when the number it read
# in the current transaction differs from the one it loaded under. The number lives in a row, so
# a rolled-back change takes it back, and comes from a sequence, so it is never handed out twice.
ROUTING_STAMP = """
CREATE SEQUENCE districts_routing_stamp_seq;
CREATE TABLE districts_routingstamp (
    id smallint PRIMARY KEY CHECK (id = 1),
    stamp bigint NOT NULL
);
INSERT INTO districts_routingstamp VALUES (1, nextval('districts_routing_stamp_seq'));

CREATE FUNCTION districts_touch_routing_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO districts_routingstamp VALUES (1, nextval('districts_routing_stamp_seq'))
    ON CONFLICT (id) DO UPDATE SET stamp = EXCLUDED.stamp;
    RETURN NULL;
END $$;
"""

ROUTING_TABLES = [
    "districts_authority",
    "districts_prefecture",
    "districts_servicearea",
    "districts_category",
    "districts_assignment",
]

TRIGGERS = "\n".join(
    f"CREATE TRIGGER {table}_routing_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION districts_touch_routing_stamp();"
    for table in ROUTING_TABLES
)

DROP = "\n".join(f"DROP TRIGGER {table}_routing_stamp ON {table};" for table in ROUTING_TABLES) + """
DROP FUNCTION districts_touch_routing_stamp();
DROP TABLE districts_routingstamp;
DROP SEQUENCE districts_routing_stamp_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("districts", "0005_category_is_premoderated")]

    operations = [migrations.RunSQL(ROUTING_STAMP + TRIGGERS, DROP)]

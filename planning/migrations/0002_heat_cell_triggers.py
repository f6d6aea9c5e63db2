from django.db import migrations

# The grid must match planning.selectors: a cell of zoom z is CELL_PIXELS (16) screen pixels of
# 256-pixel tiles wide, in EPSG:3857 metres (spherical formulas written out, as in
# HEAT_CELLS_SQL), for z from PYRAMID_MIN_ZOOM (8) to MAX_ZOOM (18); "open" is
# Complaint.OPEN_STATUSES.
# tests/planning/test_heat_cells.py compares the table with an independent count.
HEAT_CELL_FUNCTIONS = """
CREATE FUNCTION planning_heat_cell_keys(p_location geometry)
RETURNS TABLE (zoom smallint, gx integer, gy integer) LANGUAGE sql IMMUTABLE AS $$
    SELECT z::smallint,
           floor(radians(ST_X(p_location)) * 6378137.0 / size)::integer,
           floor(ln(tan(pi() / 4 + radians(ST_Y(p_location)) / 2)) * 6378137.0 / size)::integer
    FROM (SELECT z, 2 * pi() * 6378137.0 / (256 * 2 ^ z) * 16 AS size
          FROM generate_series(8, 18) AS z) AS zooms
$$;

-- One complaint more (or less) in its cell at every zoom; cells falling to zero are deleted.
CREATE FUNCTION planning_heat_cells_add(
    p_location geometry, p_category bigint, p_arrondissement bigint, p_status varchar,
    p_delta integer
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_open boolean := p_status IN ('submitted', 'acknowledged', 'in_progress');
BEGIN
    INSERT INTO planning_heatcell
        (zoom, gx, gy, category_id, arrondissement_id, is_open, complaints)
    SELECT k.zoom, k.gx, k.gy, p_category, p_arrondissement, v_open, p_delta
    FROM planning_heat_cell_keys(p_location) AS k
    ORDER BY k.zoom
    ON CONFLICT (zoom, gx, gy, category_id, arrondissement_id, is_open)
    DO UPDATE SET complaints = planning_heatcell.complaints + EXCLUDED.complaints;
    IF p_delta < 0 THEN
        DELETE FROM planning_heatcell AS h
        USING planning_heat_cell_keys(p_location) AS k
        WHERE h.complaints = 0 AND h.zoom = k.zoom AND h.gx = k.gx AND h.gy = k.gy
          AND h.category_id = p_category AND h.arrondissement_id = p_arrondissement
          AND h.is_open = v_open;
    END IF;
END $$;

-- A move takes one from the old cells and adds one to the new ones, always in the same order
-- (by key), so two opposite moves cannot deadlock.
CREATE FUNCTION planning_complaint_heat_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM planning_heat_cells_add(
            NEW.location, NEW.category_id, NEW.arrondissement_id, NEW.status, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM planning_heat_cells_add(
            OLD.location, OLD.category_id, OLD.arrondissement_id, OLD.status, -1);
    ELSIF ROW(ST_AsText(OLD.location), OLD.category_id, OLD.arrondissement_id, OLD.status)::text
            < ROW(ST_AsText(NEW.location), NEW.category_id, NEW.arrondissement_id,
                  NEW.status)::text THEN
        PERFORM planning_heat_cells_add(
            OLD.location, OLD.category_id, OLD.arrondissement_id, OLD.status, -1);
        PERFORM planning_heat_cells_add(
            NEW.location, NEW.category_id, NEW.arrondissement_id, NEW.status, 1);
    ELSE
        PERFORM planning_heat_cells_add(
            NEW.location, NEW.category_id, NEW.arrondissement_id, NEW.status, 1);
        PERFORM planning_heat_cells_add(
            OLD.location, OLD.category_id, OLD.arrondissement_id, OLD.status, -1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER planning_complaint_heat_cells_insert AFTER INSERT ON issues_complaint
    FOR EACH ROW EXECUTE FUNCTION planning_complaint_heat_cells();
CREATE TRIGGER planning_complaint_heat_cells_delete AFTER DELETE ON issues_complaint
    FOR EACH ROW EXECUTE FUNCTION planning_complaint_heat_cells();
-- Moving between open statuses (submitted → acknowledged) changes no cell: no work then.
CREATE TRIGGER planning_complaint_heat_cells_update
    AFTER UPDATE OF location, category_id, arrondissement_id, status ON issues_complaint
    FOR EACH ROW
    WHEN (NOT ST_Equals(OLD.location, NEW.location)
          OR OLD.category_id <> NEW.category_id
          OR OLD.arrondissement_id <> NEW.arrondissement_id
          OR (OLD.status IN ('submitted', 'acknowledged', 'in_progress'))
             <> (NEW.status IN ('submitted', 'acknowledged', 'in_progress')))
    EXECUTE FUNCTION planning_complaint_heat_cells();

-- Recomputes every cell from the complaints (after a load with the triggers disabled, or as a
-- check). Locks the complaint table against writes meanwhile.
CREATE FUNCTION planning_rebuild_heat_cells() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE issues_complaint IN SHARE MODE;
    DELETE FROM planning_heatcell;
    INSERT INTO planning_heatcell
        (zoom, gx, gy, category_id, arrondissement_id, is_open, complaints)
    SELECT k.zoom, k.gx, k.gy, c.category_id, c.arrondissement_id,
           c.status IN ('submitted', 'acknowledged', 'in_progress'), count(*)
    FROM issues_complaint AS c
    CROSS JOIN LATERAL planning_heat_cell_keys(c.location) AS k
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3;  -- stored in the index's order: a map view reads neighbouring pages
    ANALYZE planning_heatcell;
END $$;

SELECT planning_rebuild_heat_cells();
"""

DROP_HEAT_CELL_FUNCTIONS = """
DROP TRIGGER planning_complaint_heat_cells_insert ON issues_complaint;
DROP TRIGGER planning_complaint_heat_cells_delete ON issues_complaint;
DROP TRIGGER planning_complaint_heat_cells_update ON issues_complaint;
DROP FUNCTION planning_complaint_heat_cells();
DROP FUNCTION planning_heat_cells_add(geometry, bigint, bigint, varchar, integer);
DROP FUNCTION planning_rebuild_heat_cells();
DROP FUNCTION planning_heat_cell_keys(geometry);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0001_initial"),
        ("issues", "0007_category_newest_index"),
    ]

    operations = [migrations.RunSQL(HEAT_CELL_FUNCTIONS, DROP_HEAT_CELL_FUNCTIONS)]

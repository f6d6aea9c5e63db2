from django.conf import settings
from django.db import migrations

# The weekly counts (planning.HeatWeekCell) at the heat map's zooms (10 to 18), on the grid of
# migration 0002 (planning_heat_cell_keys). A complaint's week is the Monday of the day it was
# received in the city's time zone (settings.TIME_ZONE, fixed for the project; were it changed,
# `manage.py rebuild_heat_cells` recomputes the weeks).
# tests/planning/test_heat_cells.py compares the table with an independent count.
HEAT_WEEK_FUNCTIONS = f"""
CREATE FUNCTION planning_week_of(p_received timestamptz) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT date_trunc('week', p_received AT TIME ZONE '{settings.TIME_ZONE}')::date
$$;

CREATE FUNCTION planning_heat_weeks_add(
    p_location geometry, p_received timestamptz, p_category bigint, p_arrondissement bigint,
    p_status varchar, p_delta integer
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_open boolean := p_status IN ('submitted', 'acknowledged', 'in_progress');
    v_week date := planning_week_of(p_received);
BEGIN
    INSERT INTO planning_heatweekcell
        (zoom, week, gx, gy, category_id, arrondissement_id, is_open, complaints)
    SELECT k.zoom, v_week, k.gx, k.gy, p_category, p_arrondissement, v_open, p_delta
    FROM planning_heat_cell_keys(p_location) AS k
    WHERE k.zoom >= 10
    ORDER BY k.zoom
    ON CONFLICT (zoom, week, gx, gy, category_id, arrondissement_id, is_open)
    DO UPDATE SET complaints = planning_heatweekcell.complaints + EXCLUDED.complaints;
    IF p_delta < 0 THEN
        DELETE FROM planning_heatweekcell AS h
        USING planning_heat_cell_keys(p_location) AS k
        WHERE h.complaints = 0 AND h.zoom = k.zoom AND h.week = v_week
          AND h.gx = k.gx AND h.gy = k.gy
          AND h.category_id = p_category AND h.arrondissement_id = p_arrondissement
          AND h.is_open = v_open;
    END IF;
END $$;

-- As planning_complaint_heat_cells: the old and new rows in key order, so that two opposite
-- changes cannot deadlock.
CREATE FUNCTION planning_complaint_heat_weeks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM planning_heat_weeks_add(NEW.location, NEW.created_at, NEW.category_id,
                                        NEW.arrondissement_id, NEW.status, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM planning_heat_weeks_add(OLD.location, OLD.created_at, OLD.category_id,
                                        OLD.arrondissement_id, OLD.status, -1);
    ELSIF ROW(ST_AsText(OLD.location), OLD.created_at, OLD.category_id, OLD.arrondissement_id,
              OLD.status)::text
            < ROW(ST_AsText(NEW.location), NEW.created_at, NEW.category_id,
                  NEW.arrondissement_id, NEW.status)::text THEN
        PERFORM planning_heat_weeks_add(OLD.location, OLD.created_at, OLD.category_id,
                                        OLD.arrondissement_id, OLD.status, -1);
        PERFORM planning_heat_weeks_add(NEW.location, NEW.created_at, NEW.category_id,
                                        NEW.arrondissement_id, NEW.status, 1);
    ELSE
        PERFORM planning_heat_weeks_add(NEW.location, NEW.created_at, NEW.category_id,
                                        NEW.arrondissement_id, NEW.status, 1);
        PERFORM planning_heat_weeks_add(OLD.location, OLD.created_at, OLD.category_id,
                                        OLD.arrondissement_id, OLD.status, -1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER planning_complaint_heat_weeks_insert AFTER INSERT ON issues_complaint
    FOR EACH ROW EXECUTE FUNCTION planning_complaint_heat_weeks();
CREATE TRIGGER planning_complaint_heat_weeks_delete AFTER DELETE ON issues_complaint
    FOR EACH ROW EXECUTE FUNCTION planning_complaint_heat_weeks();
CREATE TRIGGER planning_complaint_heat_weeks_update
    AFTER UPDATE OF location, created_at, category_id, arrondissement_id, status
    ON issues_complaint
    FOR EACH ROW
    WHEN (NOT ST_Equals(OLD.location, NEW.location)
          OR planning_week_of(OLD.created_at) <> planning_week_of(NEW.created_at)
          OR OLD.category_id <> NEW.category_id
          OR OLD.arrondissement_id <> NEW.arrondissement_id
          OR (OLD.status IN ('submitted', 'acknowledged', 'in_progress'))
             <> (NEW.status IN ('submitted', 'acknowledged', 'in_progress')))
    EXECUTE FUNCTION planning_complaint_heat_weeks();

CREATE FUNCTION planning_rebuild_heat_weeks() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE issues_complaint IN SHARE MODE;
    DELETE FROM planning_heatweekcell;
    INSERT INTO planning_heatweekcell
        (zoom, week, gx, gy, category_id, arrondissement_id, is_open, complaints)
    SELECT k.zoom, planning_week_of(c.created_at), k.gx, k.gy, c.category_id,
           c.arrondissement_id, c.status IN ('submitted', 'acknowledged', 'in_progress'),
           count(*)
    FROM issues_complaint AS c
    CROSS JOIN LATERAL planning_heat_cell_keys(c.location) AS k
    WHERE k.zoom >= 10
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2, 3, 4;
    ANALYZE planning_heatweekcell;
END $$;

SELECT planning_rebuild_heat_weeks();
"""

DROP_HEAT_WEEK_FUNCTIONS = """
DROP TRIGGER planning_complaint_heat_weeks_insert ON issues_complaint;
DROP TRIGGER planning_complaint_heat_weeks_delete ON issues_complaint;
DROP TRIGGER planning_complaint_heat_weeks_update ON issues_complaint;
DROP FUNCTION planning_complaint_heat_weeks();
DROP FUNCTION planning_heat_weeks_add(geometry, timestamptz, bigint, bigint, varchar, integer);
DROP FUNCTION planning_rebuild_heat_weeks();
DROP FUNCTION planning_week_of(timestamptz);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0003_heat_week_cells"),
        ("planning", "0002_heat_cell_triggers"),
    ]

    operations = [migrations.RunSQL(HEAT_WEEK_FUNCTIONS, DROP_HEAT_WEEK_FUNCTIONS)]

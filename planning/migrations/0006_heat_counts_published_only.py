"""The pyramids of counts hold the public's view: only published complaints (not hidden by a
moderator, not awaiting pre-moderation) are counted, and a moderation decision moves a
complaint in or out of them in the same transaction (the update triggers now fire on
`moderation` too). The public map's clusters, the heat map and the planners' figures read these
tables, so what they count is what the public may see (issue #22)."""

from django.db import migrations

OPEN = "('submitted', 'acknowledged', 'in_progress')"


def functions(published_only: bool) -> str:
    """The trigger functions, the update triggers and the rebuilds; `published_only=False` is
    what migrations 0002 and 0004 installed (for the reverse migration)."""
    counts_old = "OLD.moderation = 'published'" if published_only else "true"
    counts_new = "NEW.moderation = 'published'" if published_only else "true"
    rebuild_where = "WHERE c.moderation = 'published'" if published_only else ""
    week_rebuild_where = "AND c.moderation = 'published'" if published_only else ""
    update_of = ", moderation" if published_only else ""
    moderation_changed = (
        "OR OLD.moderation IS DISTINCT FROM NEW.moderation" if published_only else ""
    )
    return f"""
-- Each row counts only when published: a change of moderation takes it out of (or puts it
-- into) its cells. Old and new rows are applied in key order, so two opposite changes cannot
-- deadlock.
CREATE OR REPLACE FUNCTION planning_complaint_heat_cells() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_old boolean := TG_OP <> 'INSERT' AND {counts_old};
    v_new boolean := TG_OP <> 'DELETE' AND {counts_new};
BEGIN
    IF v_old AND v_new AND ROW(ST_AsText(OLD.location), OLD.category_id, OLD.arrondissement_id,
                               OLD.status)::text
            >= ROW(ST_AsText(NEW.location), NEW.category_id, NEW.arrondissement_id,
                   NEW.status)::text THEN
        PERFORM planning_heat_cells_add(
            NEW.location, NEW.category_id, NEW.arrondissement_id, NEW.status, 1);
        PERFORM planning_heat_cells_add(
            OLD.location, OLD.category_id, OLD.arrondissement_id, OLD.status, -1);
        RETURN NULL;
    END IF;
    IF v_old THEN
        PERFORM planning_heat_cells_add(
            OLD.location, OLD.category_id, OLD.arrondissement_id, OLD.status, -1);
    END IF;
    IF v_new THEN
        PERFORM planning_heat_cells_add(
            NEW.location, NEW.category_id, NEW.arrondissement_id, NEW.status, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION planning_complaint_heat_weeks() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_old boolean := TG_OP <> 'INSERT' AND {counts_old};
    v_new boolean := TG_OP <> 'DELETE' AND {counts_new};
BEGIN
    IF v_old AND v_new AND ROW(ST_AsText(OLD.location), OLD.created_at, OLD.category_id,
                               OLD.arrondissement_id, OLD.status)::text
            >= ROW(ST_AsText(NEW.location), NEW.created_at, NEW.category_id,
                   NEW.arrondissement_id, NEW.status)::text THEN
        PERFORM planning_heat_weeks_add(NEW.location, NEW.created_at, NEW.category_id,
                                        NEW.arrondissement_id, NEW.status, 1);
        PERFORM planning_heat_weeks_add(OLD.location, OLD.created_at, OLD.category_id,
                                        OLD.arrondissement_id, OLD.status, -1);
        RETURN NULL;
    END IF;
    IF v_old THEN
        PERFORM planning_heat_weeks_add(OLD.location, OLD.created_at, OLD.category_id,
                                        OLD.arrondissement_id, OLD.status, -1);
    END IF;
    IF v_new THEN
        PERFORM planning_heat_weeks_add(NEW.location, NEW.created_at, NEW.category_id,
                                        NEW.arrondissement_id, NEW.status, 1);
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER planning_complaint_heat_cells_update ON issues_complaint;
CREATE TRIGGER planning_complaint_heat_cells_update
    AFTER UPDATE OF location, category_id, arrondissement_id, status{update_of}
    ON issues_complaint
    FOR EACH ROW
    WHEN (NOT ST_Equals(OLD.location, NEW.location)
          OR OLD.category_id <> NEW.category_id
          OR OLD.arrondissement_id <> NEW.arrondissement_id
          OR (OLD.status IN {OPEN}) <> (NEW.status IN {OPEN})
          {moderation_changed})
    EXECUTE FUNCTION planning_complaint_heat_cells();

DROP TRIGGER planning_complaint_heat_weeks_update ON issues_complaint;
CREATE TRIGGER planning_complaint_heat_weeks_update
    AFTER UPDATE OF location, created_at, category_id, arrondissement_id, status{update_of}
    ON issues_complaint
    FOR EACH ROW
    WHEN (NOT ST_Equals(OLD.location, NEW.location)
          OR planning_week_of(OLD.created_at) <> planning_week_of(NEW.created_at)
          OR OLD.category_id <> NEW.category_id
          OR OLD.arrondissement_id <> NEW.arrondissement_id
          OR (OLD.status IN {OPEN}) <> (NEW.status IN {OPEN})
          {moderation_changed})
    EXECUTE FUNCTION planning_complaint_heat_weeks();

CREATE OR REPLACE FUNCTION planning_rebuild_heat_cells() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE issues_complaint IN SHARE MODE;
    DELETE FROM planning_heatcell;
    INSERT INTO planning_heatcell
        (zoom, gx, gy, category_id, arrondissement_id, is_open, complaints)
    SELECT k.zoom, k.gx, k.gy, c.category_id, c.arrondissement_id,
           c.status IN {OPEN}, count(*)
    FROM issues_complaint AS c
    CROSS JOIN LATERAL planning_heat_cell_keys(c.location) AS k
    {rebuild_where}
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3;  -- stored in the index's order: a map view reads neighbouring pages
    ANALYZE planning_heatcell;
END $$;

CREATE OR REPLACE FUNCTION planning_rebuild_heat_weeks() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE issues_complaint IN SHARE MODE;
    DELETE FROM planning_heatweekcell;
    INSERT INTO planning_heatweekcell
        (zoom, week, gx, gy, category_id, arrondissement_id, is_open, complaints)
    SELECT k.zoom, planning_week_of(c.created_at), k.gx, k.gy, c.category_id,
           c.arrondissement_id, c.status IN {OPEN}, count(*)
    FROM issues_complaint AS c
    CROSS JOIN LATERAL planning_heat_cell_keys(c.location) AS k
    WHERE k.zoom >= 10 {week_rebuild_where}
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2, 3, 4;
    ANALYZE planning_heatweekcell;
END $$;

SELECT planning_rebuild_heat_cells();
SELECT planning_rebuild_heat_weeks();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0005_heat_counts_without_key_checks"),
        ("issues", "0011_attachment_is_hidden_complaint_moderation_and_more"),
    ]

    operations = [migrations.RunSQL(functions(True), functions(False))]

"""The planners' read side, each figure aggregated by PostGIS in one statement and nothing read
of a reporter's field. The modules beside this one hold the work, named for what they do:

- grid.py: the map's grid of cells and the SQL that puts a complaint in its cell;
- pyramid.py: reading the pyramids of counts (exact at every moment, never cached);
- heat.py: the heat map's cells and the public map's clusters;
- hotspots.py: DBSCAN and grid hotspots;
- figures.py: complaints per arrondissement, weekly trends, each authority's performance;
- caching.py: the figures that are cached, under the data version of what they cover.

Views, exports, tasks and the standalone report call them through this module.
"""

from __future__ import annotations

from .caching import cached
from .figures import FIGURES, arrondissement_figures, authority_performance, figure, weekly_trends
from .grid import (
    CELL_PIXELS,
    CITY_LATITUDE,
    EARTH_RADIUS,
    MAX_ZOOM,
    MIN_ZOOM,
    PYRAMID_MIN_ZOOM,
    Bounds,
    cell_metres,
)
from .heat import heat_cells, heat_cells_query, weekly_scale_max
from .hotspots import (
    DbscanTooSlow,
    Hotspot,
    cached_hotspots,
    dbscan_hotspots,
    grid_hotspots,
    grid_level,
    hotspots,
    hotspots_query,
    selection_size,
)
from .pyramid import Received, reads_pyramid, received_span

__all__ = [
    "CELL_PIXELS",
    "CITY_LATITUDE",
    "EARTH_RADIUS",
    "FIGURES",
    "MAX_ZOOM",
    "MIN_ZOOM",
    "PYRAMID_MIN_ZOOM",
    "Bounds",
    "DbscanTooSlow",
    "Hotspot",
    "Received",
    "arrondissement_figures",
    "authority_performance",
    "cached",
    "cached_hotspots",
    "cell_metres",
    "dbscan_hotspots",
    "figure",
    "grid_hotspots",
    "grid_level",
    "heat_cells",
    "heat_cells_query",
    "hotspots",
    "hotspots_query",
    "reads_pyramid",
    "received_span",
    "selection_size",
    "weekly_scale_max",
    "weekly_trends",
]

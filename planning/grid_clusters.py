"""DBSCAN's rule applied to the non-empty cells of a grid of counts, in numpy: what the grid
hotspots (planning.selectors.grid_hotspots) compute once the pyramid has given the counts.

A cell is a core cell when the cells whose centres lie within `reach` cells of its own (itself
included) hold at least `min_count` complaints. Core cells within reach of each other form one
cluster (connected components of the "within reach" graph: DBSCAN with minpoints 1 over the
core cells). Every other cell within reach of a core cell joins the cluster of the nearest one
(the lowest cluster number among equally near ones), as a DBSCAN border point does; the rest is
noise. Cells are looked up by their sorted keys, so the cost follows the number of non-empty
cells, whatever the extent of the grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

NOISE = -1


@dataclass(frozen=True)
class Cluster:
    number: int
    complaints: int
    centre_x: float  # in cell widths, weighted by the complaints of each cell
    centre_y: float
    min_gx: int
    max_gx: int
    min_gy: int
    max_gy: int
    extent: float  # from the centre to the farthest member cell's centre, in cell widths


def offsets_within(reach: float) -> list[tuple[int, int]]:
    """The (dx, dy) whose cell centre lies within `reach` cells, nearest first."""
    span = math.floor(reach)
    found = [
        (dx, dy)
        for dx in range(-span, span + 1)
        for dy in range(-span, span + 1)
        if dx * dx + dy * dy <= reach * reach
    ]
    return sorted(found, key=lambda offset: (offset[0] ** 2 + offset[1] ** 2, offset))


def cluster_cells(
    gx: np.ndarray, gy: np.ndarray, counts: np.ndarray, *, reach: float, min_count: int
) -> np.ndarray:
    """The cluster number of each cell (NOISE for none); clusters are numbered 0, 1, … in the
    order of their first cell by (gx, gy). The cells must be distinct."""
    size = len(counts)
    if size == 0:
        return np.empty(0, dtype=np.int64)
    gx, gy, counts = (np.asarray(a, dtype=np.int64) for a in (gx, gy, counts))
    offsets = offsets_within(reach)
    neighbours = _neighbour_indexes(gx, gy, offsets)

    around = np.zeros(size, dtype=np.int64)
    for found in neighbours:
        present = found >= 0
        around[present] += counts[found[present]]
    is_core = (counts > 0) & (around >= min_count)

    core_index = np.flatnonzero(is_core)
    number_of = np.full(size, NOISE, dtype=np.int64)
    if core_index.size == 0:
        return number_of
    position_in_core = np.full(size, -1, dtype=np.int64)
    position_in_core[core_index] = np.arange(core_index.size)
    sources, targets = [], []
    for found in neighbours:
        linked = is_core & (found >= 0)
        linked[linked] &= is_core[found[linked]]
        sources.append(position_in_core[linked])
        targets.append(position_in_core[found[linked]])
    source, target = np.concatenate(sources), np.concatenate(targets)
    graph = coo_matrix(
        (np.ones(source.size, dtype=np.int8), (source, target)),
        shape=(core_index.size, core_index.size),
    )
    _count, labels = connected_components(graph, directed=False)
    # Renumbered by first cell (the cells are indexed in (gx, gy) order): stable, whatever
    # order scipy visits them in.
    _unique, first = np.unique(labels, return_index=True)
    renumbered = np.empty_like(first)
    renumbered[np.argsort(first, kind="stable")] = np.arange(first.size)
    number_of[core_index] = renumbered[labels]

    # Border cells: the nearest core cell's cluster, the lowest number among equally near ones.
    unassigned = ~is_core
    by_distance: dict[int, list[np.ndarray]] = {}
    for (dx, dy), found in zip(offsets, neighbours, strict=True):
        by_distance.setdefault(dx * dx + dy * dy, []).append(found)
    largest = np.iinfo(np.int64).max
    for distance in sorted(by_distance):
        if not unassigned.any():
            break
        nearest = np.full(size, largest, dtype=np.int64)
        for found in by_distance[distance]:
            reached = unassigned & (found >= 0)
            reached[reached] &= is_core[found[reached]]
            nearest[reached] = np.minimum(nearest[reached], number_of[found[reached]])
        joined = nearest != largest
        number_of[joined] = nearest[joined]
        unassigned &= ~joined
    return number_of


def _neighbour_indexes(
    gx: np.ndarray, gy: np.ndarray, offsets: list[tuple[int, int]]
) -> list[np.ndarray]:
    """For each offset, the index of the cell at (gx + dx, gy + dy) for every cell, or -1."""
    margin = 2 + max(abs(d) for offset in offsets for d in offset)
    min_x, min_y = gx.min() - margin, gy.min() - margin
    height = gy.max() - min_y + margin
    keys = (gx - min_x) * height + (gy - min_y)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    found_all = []
    for dx, dy in offsets:
        wanted = keys + dx * height + dy
        at = np.minimum(np.searchsorted(sorted_keys, wanted), keys.size - 1)
        hit = sorted_keys[at] == wanted
        found_all.append(np.where(hit, order[at], -1))
    return found_all


def describe(
    gx: np.ndarray, gy: np.ndarray, counts: np.ndarray, number_of: np.ndarray
) -> list[Cluster]:
    """Each cluster's size, weighted centre, box and extent, biggest first (then by number)."""
    member = number_of != NOISE
    if not member.any():
        return []
    gx, gy = gx[member].astype(np.int64), gy[member].astype(np.int64)
    counts, numbers = counts[member].astype(np.int64), number_of[member]
    clusters = int(numbers.max()) + 1
    complaints = np.bincount(numbers, weights=counts, minlength=clusters)
    centre_x = np.bincount(numbers, weights=(gx + 0.5) * counts, minlength=clusters) / complaints
    centre_y = np.bincount(numbers, weights=(gy + 0.5) * counts, minlength=clusters) / complaints
    min_gx, max_gx = np.full(clusters, np.iinfo(np.int64).max), np.full(clusters, -(2**62))
    min_gy, max_gy = min_gx.copy(), max_gx.copy()
    np.minimum.at(min_gx, numbers, gx)
    np.maximum.at(max_gx, numbers, gx)
    np.minimum.at(min_gy, numbers, gy)
    np.maximum.at(max_gy, numbers, gy)
    distance = np.hypot(gx + 0.5 - centre_x[numbers], gy + 0.5 - centre_y[numbers])
    extent = np.zeros(clusters)
    np.maximum.at(extent, numbers, distance)
    order = sorted(range(clusters), key=lambda number: (-complaints[number], number))
    return [
        Cluster(
            number=number,
            complaints=int(complaints[number]),
            centre_x=float(centre_x[number]),
            centre_y=float(centre_y[number]),
            min_gx=int(min_gx[number]),
            max_gx=int(max_gx[number]),
            min_gy=int(min_gy[number]),
            max_gy=int(max_gy[number]),
            extent=float(extent[number]),
        )
        for number in order
    ]

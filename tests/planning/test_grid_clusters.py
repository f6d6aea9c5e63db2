"""planning.grid_clusters against a plain, quadratic reading of the same rule (DBSCAN over the
cells: core cells by neighbourhood count, clusters by reach, border cells to the nearest core
cell's cluster), on random grids of counts."""

from __future__ import annotations

import random

import numpy as np
import pytest

from planning import grid_clusters


def reference_clusters(cells: dict[tuple[int, int], int], reach: float, min_count: int):
    """The partition of the cells into clusters (a set of frozensets of cells) and, for each
    border cell, the set of clusters it may join (all nearest core cells' clusters)."""

    def near(a, b):
        return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 <= reach * reach

    core = {
        cell
        for cell in cells
        if sum(n for other, n in cells.items() if near(cell, other)) >= min_count
    }
    clusters, seen = [], set()
    for start in sorted(core):
        if start in seen:
            continue
        members, frontier = {start}, [start]
        while frontier:
            cell = frontier.pop()
            for other in core:
                if other not in members and near(cell, other):
                    members.add(other)
                    frontier.append(other)
        seen |= members
        clusters.append(frozenset(members))
    border_choices = {}
    for cell in set(cells) - core:
        reachable = [c for c in core if near(cell, c)]
        if reachable:
            nearest = min((c[0] - cell[0]) ** 2 + (c[1] - cell[1]) ** 2 for c in reachable)
            border_choices[cell] = {
                i
                for i, members in enumerate(clusters)
                for c in reachable
                if c in members and (c[0] - cell[0]) ** 2 + (c[1] - cell[1]) ** 2 == nearest
            }
    return clusters, border_choices


def random_cells(rng: random.Random, count: int, spread: int) -> dict[tuple[int, int], int]:
    cells = {}
    for _ in range(count):
        if rng.random() < 0.5:  # half of them in a few dense spots
            x, y = rng.choice([(5, 5), (30, 8), (12, 30)])
            cell = (x + round(rng.gauss(0, 2)), y + round(rng.gauss(0, 2)))
        else:
            cell = (rng.randrange(-spread, spread), rng.randrange(-spread, spread))
        cells[cell] = cells.get(cell, 0) + rng.randint(1, 4)
    return cells


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("reach", [1.0, 1.57, 2.0])
def test_clusters_follow_the_rule_read_plainly(seed, reach):
    rng = random.Random(seed)
    cells = random_cells(rng, 300, spread=40)
    min_count = rng.choice([5, 12, 25])
    keys = sorted(cells)
    gx = np.array([k[0] for k in keys])
    gy = np.array([k[1] for k in keys])
    counts = np.array([cells[k] for k in keys])

    number_of = grid_clusters.cluster_cells(gx, gy, counts, reach=reach, min_count=min_count)

    expected, border_choices = reference_clusters(cells, reach, min_count)
    core_cells = set().union(*expected) if expected else set()
    found: dict[int, set] = {}
    for key, number in zip(keys, number_of.tolist(), strict=True):
        if key in core_cells:
            found.setdefault(number, set()).add(key)
    assert sorted(map(sorted, found.values())) == sorted(map(sorted, expected))
    cluster_index = {number: expected.index(frozenset(m)) for number, m in found.items()}
    for key, number in zip(keys, number_of.tolist(), strict=True):
        if key in core_cells:
            continue
        if key in border_choices:
            assert cluster_index[number] in border_choices[key]
        else:
            assert number == grid_clusters.NOISE


def test_cluster_numbers_follow_the_first_cell_and_describe_sorts_by_size():
    # Two clusters: a small one at the left, a big one at the right; one lone noise cell.
    cells = {(0, 0): 3, (0, 1): 3, (10, 0): 5, (10, 1): 5, (11, 1): 5, (30, 30): 1}
    keys = sorted(cells)
    gx, gy = np.array([k[0] for k in keys]), np.array([k[1] for k in keys])
    counts = np.array([cells[k] for k in keys])

    number_of = grid_clusters.cluster_cells(gx, gy, counts, reach=1.5, min_count=6)
    described = grid_clusters.describe(gx, gy, counts, number_of)

    assert number_of.tolist() == [0, 0, 1, 1, 1, grid_clusters.NOISE]
    assert [cluster.complaints for cluster in described] == [15, 6]
    big = described[0]
    assert (big.min_gx, big.max_gx, big.min_gy, big.max_gy) == (10, 11, 0, 1)
    assert big.centre_x == pytest.approx((10.5 * 10 + 11.5 * 5) / 15)
    assert big.centre_y == pytest.approx((0.5 * 5 + 1.5 * 10) / 15)


def test_no_cells_and_no_dense_cells_give_no_cluster():
    empty = np.array([], dtype=np.int64)
    assert grid_clusters.cluster_cells(empty, empty, empty, reach=1.5, min_count=5).size == 0
    sparse = np.array([0, 5, 10])
    number_of = grid_clusters.cluster_cells(
        sparse, sparse, np.array([1, 1, 1]), reach=1.5, min_count=5
    )
    assert number_of.tolist() == [grid_clusters.NOISE] * 3
    assert grid_clusters.describe(sparse, sparse, np.array([1, 1, 1]), number_of) == []

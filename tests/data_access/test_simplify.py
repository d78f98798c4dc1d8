"""The map's zones with fewer points, still fitting together: a border two zones share keeps the
same points on both sides, junctions stay, and every ring keeps its direction."""

from __future__ import annotations

import itertools
import json
import math
from collections import defaultdict
from typing import Any

from data_access.reference.shapes import ELZ_GEOJSON, MAP_TOLERANCE, elz_extent, elz_shapes
from data_access.reference.simplify import simplified_features


def _rings(feature: dict[str, Any]) -> list[list[tuple[float, float]]]:
    geometry = feature["geometry"]
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    return [[(float(x), float(y)) for x, y in ring] for polygon in polygons for ring in polygon]


def _area(ring: list[tuple[float, float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


def _length(ring: list[tuple[float, float]]) -> float:
    return sum(math.dist(a, b) for a, b in itertools.pairwise(ring))


def _features() -> list[dict[str, Any]]:
    return json.loads(ELZ_GEOJSON.read_text(encoding="utf-8"))["features"]


def _square(name: str, ring: list[tuple[float, float]]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"elz_code": name},
        "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
    }


def test_two_zones_keep_the_same_points_on_their_shared_border() -> None:
    """West and east share a wiggly border x≈1: the wiggles under the tolerance go on both sides,
    the one above it stays on both, and the border's ends (junctions) stay."""
    border = [(1.0, 0.0), (1.001, 0.25), (1.0, 0.5), (1.2, 0.6), (1.0, 0.75), (1.0, 1.0)]
    west = [(0.0, 0.0), *border, (0.0, 1.0), (0.0, 0.5), (0.0, 0.0)]
    east = [(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), *border[::-1]]
    out = simplified_features([_square("w", west), _square("e", east)], tolerance=0.01)
    (west_out,), (east_out,) = (_rings(feature) for feature in out)
    kept_border = [p for p in west_out[:-1] if p in border]
    assert kept_border == [(1.0, 0.0), (1.0, 0.5), (1.2, 0.6), (1.0, 0.75), (1.0, 1.0)]
    assert {p for p in east_out if p in border} == set(kept_border)
    assert (0.0, 0.5) not in west_out  # on a straight line of one zone: dropped


def test_the_zones_of_the_map_fit_together_with_far_fewer_points() -> None:
    """On the 57 ELZ: at most half the points; every point kept on a border is kept by every zone
    on that border; each ring keeps its corners in order, its direction and its area to within its length times
    the tolerance."""
    features = _features()
    simple = simplified_features(features, MAP_TOLERANCE)
    before = [_rings(f) for f in features]
    after = [_rings(f) for f in simple]
    points = [sum(len(ring) for rings in zones for ring in rings) for zones in (before, after)]
    assert points[1] <= points[0] / 2

    zones_at: dict[tuple[float, float], set[int]] = defaultdict(set)
    for zone, rings in enumerate(before):
        for ring in rings:
            for point in ring:
                zones_at[point].add(zone)
    kept_by: dict[tuple[float, float], set[int]] = defaultdict(set)
    for zone, rings in enumerate(after):
        for ring in rings:
            for point in ring:
                kept_by[point].add(zone)
    assert {p: zones for p, zones in kept_by.items() if zones != zones_at[p]} == {}

    for old_rings, new_rings in zip(before, after, strict=True):
        for old, new in zip(old_rings, new_rings, strict=True):
            assert new[0] == new[-1] and len(new) >= 4
            order = {point: i for i, point in enumerate(old[:-1])}
            positions = [order[p] for p in new[:-1]]
            turns = sum(b < a for a, b in itertools.pairwise(positions))
            assert turns <= 1  # one pass round the ring, from wherever it starts
            assert (_area(new) > 0) == (_area(old) > 0)
            # Each point dropped lies within the tolerance of the line kept in its place.
            assert abs(_area(new) - _area(old)) <= _length(old) * MAP_TOLERANCE


def test_the_map_draws_the_simplified_zones() -> None:
    """What the map sends is the simplified reference file, every zone with its properties."""
    sent = elz_shapes()["features"]
    assert [f["properties"] for f in sent] == [f["properties"] for f in _features()]
    assert [_rings(f) for f in sent] == [
        _rings(f) for f in simplified_features(_features(), MAP_TOLERANCE)
    ]


def test_the_map_shows_every_zone_whole_and_little_else() -> None:
    """The map's extent holds every point of every zone, with no more margin than the
    tolerance the borders are drawn to."""
    west, east, south, north = elz_extent()
    points = [point for feature in _features() for ring in _rings(feature) for point in ring]
    assert all(west < x < east and south < y < north for x, y in points)
    assert min(x for x, _ in points) - west <= MAP_TOLERANCE * 1.001
    assert east - max(x for x, _ in points) <= MAP_TOLERANCE * 1.001
    assert min(y for _, y in points) - south <= MAP_TOLERANCE * 1.001
    assert north - max(y for _, y in points) <= MAP_TOLERANCE * 1.001

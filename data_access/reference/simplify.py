"""Polygons with fewer points that still fit together: each border two zones share is simplified
once and used by both, so the map shows no gaps or overlaps between zones.

The method is TopoJSON's: cut every ring at its junctions (points where three or more borders
meet, or where a shared border turns into a border of one zone), simplify each arc between two
junctions with Douglas-Peucker, and join the arcs again. An arc is simplified in one orientation
whichever ring meets it, so both sides of a border keep the same points.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import numpy as np

Point = tuple[float, float]


def simplified_features(features: list[dict[str, Any]], tolerance: float) -> list[dict[str, Any]]:
    """The GeoJSON (Multi)Polygon features with every ring simplified to `tolerance` (in the
    coordinates' unit), borders shared between rings kept shared. Rings keep their direction;
    a ring that would drop below three corners is kept whole."""
    rings = [ring for feature in features for ring in _rings(feature)]
    junctions = _junctions([[(x, y) for x, y in ring] for ring in rings])
    arcs: dict[tuple[Point, ...], list[Point]] = {}

    def ring_simplified(ring: list[Any]) -> list[list[float]]:
        points: list[Point] = [(x, y) for x, y in ring[:-1]]
        cut = [i for i, p in enumerate(points) if p in junctions]
        start = cut[0] if cut else points.index(min(points))
        points = points[start:] + points[:start]
        # cut is in ring order and starts at `start`: after the turn its indices shift by it.
        ends = [*([i - start for i in cut] or [0]), len(points)]
        closed = [*points, points[0]]
        kept: list[Point] = [points[0]]
        for first, last in itertools.pairwise(ends):
            kept += _arc(closed[first : last + 1], tolerance, arcs)[1:]
        if len(kept) < 4:  # fewer than three corners: the zone would vanish
            kept = closed
        return [list(p) for p in kept]

    out = []
    for feature in features:
        geometry = feature["geometry"]
        simple = [[ring_simplified(ring) for ring in polygon] for polygon in polygons(geometry)]
        coordinates = simple if geometry["type"] == "MultiPolygon" else simple[0]
        out.append({**feature, "geometry": {"type": geometry["type"], "coordinates": coordinates}})
    return out


def polygons(geometry: dict[str, Any]) -> list[list[Any]]:
    """A Polygon's or MultiPolygon's polygons, each a list of rings."""
    coordinates: list[list[Any]] = geometry["coordinates"]
    return coordinates if geometry["type"] == "MultiPolygon" else [coordinates]


def _rings(feature: dict[str, Any]) -> list[list[Any]]:
    return [ring for polygon in polygons(feature["geometry"]) for ring in polygon]


def _junctions(rings: list[list[Point]]) -> set[Point]:
    """Points with more than two distinct neighbours over all rings: where borders meet."""
    neighbours: dict[Point, set[Point]] = defaultdict(set)
    for ring in rings:
        points = ring[:-1]
        for i, point in enumerate(points):
            neighbours[point].update((points[i - 1], points[(i + 1) % len(points)]))
    return {point for point, around in neighbours.items() if len(around) > 2}


def _arc(
    points: list[Point], tolerance: float, arcs: dict[tuple[Point, ...], list[Point]]
) -> list[Point]:
    """The arc simplified, the same points whichever way a ring runs along it."""
    forward = tuple(points)
    backward = forward[::-1]
    reverse = backward < forward
    key = backward if reverse else forward
    if key not in arcs:
        arcs[key] = _douglas_peucker(list(key), tolerance)
    return arcs[key][::-1] if reverse else arcs[key]


def _douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """The arc's two ends and every point that lies further than `tolerance` from the line
    through the points kept around it."""
    if len(points) < 3:
        return points
    xy = np.asarray(points)
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        inner = xy[first + 1 : last]
        a, b = xy[first], xy[last]
        chord = b - a
        length = np.hypot(*chord)
        if length == 0:  # a closed arc: distance to its one end
            distance = np.hypot(*(inner - a).T)
        else:
            distance = np.abs(chord[0] * (inner[:, 1] - a[1]) - chord[1] * (inner[:, 0] - a[0]))
            distance /= length
        far = int(np.argmax(distance))
        if distance[far] > tolerance:
            keep[first + 1 + far] = True
            stack += [(first, first + 1 + far), (first + 1 + far, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]

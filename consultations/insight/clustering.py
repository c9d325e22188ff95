"""Finding groups among unit-length vectors: k-means on the sphere, and how many groups.

Seeded throughout, so the same answers give the same groups on every run.
"""

from __future__ import annotations

import numpy as np

from consultations.insight.space import Rows


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def _seed_centres(points: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++: each new centre drawn far from the ones already chosen."""
    n = len(points)
    chosen = [int(rng.integers(n))]
    distance = 1.0 - points @ points[chosen[0]]
    for _ in range(1, k):
        weights = np.clip(distance, 0.0, None) ** 2
        total = weights.sum()
        pick = int(rng.choice(n, p=weights / total)) if total > 0 else int(rng.integers(n))
        chosen.append(pick)
        distance = np.minimum(distance, 1.0 - points @ points[pick])
    return points[chosen].copy()


def kmeans(
    points: np.ndarray, k: int, *, seed: int, restarts: int = 2, rounds: int = 30
) -> np.ndarray:
    """Labels of the best of ``restarts`` spherical k-means runs (highest total similarity)."""
    rng = np.random.default_rng(seed)
    best_labels, best_score = np.zeros(len(points), dtype=np.int64), -np.inf
    for _ in range(restarts):
        centres = _seed_centres(points, k, rng)
        labels = np.full(len(points), -1, dtype=np.int64)
        for _ in range(rounds):
            similarity = points @ centres.T
            new_labels = similarity.argmax(axis=1)
            if np.array_equal(new_labels, labels):
                break
            labels = new_labels
            # Each group's sum as one matrix product (np.add.at is many times slower).
            sums = (labels[None, :] == np.arange(k)[:, None]).astype(points.dtype) @ points
            empty = ~sums.any(axis=1)
            if empty.any():
                # An emptied group restarts at the points its neighbours fit worst.
                worst = np.argsort(similarity.max(axis=1))[: int(empty.sum())]
                sums[empty] = points[worst]
            centres = unit_rows(sums)
        score = float((points @ centres.T).max(axis=1).sum())
        if score > best_score:
            best_labels, best_score = labels, score
    return best_labels


def cosine_distances(points: np.ndarray) -> np.ndarray:
    return 1.0 - points @ points.T


def silhouette(distance: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette: how much nearer each point is to its own group than to the next.

    ``distance`` is the points' pairwise distance matrix, worked out once for every count
    of groups tried.
    """
    count = len(labels)
    groups = np.unique(labels)
    if len(groups) < 2:
        return -1.0
    member = (labels[:, None] == groups[None, :]).astype(distance.dtype)
    sizes = member.sum(axis=0)
    totals = distance @ member
    own = member.argmax(axis=1)
    own_size = sizes[own]
    a = np.where(own_size > 1, totals[np.arange(count), own] / np.maximum(own_size - 1, 1), 0)
    mean_to = totals / sizes[None, :]
    mean_to[np.arange(count), own] = np.inf
    b = mean_to.min(axis=1)
    score = np.where(own_size > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(score.mean())


def dense_rows(rows: Rows, columns: int) -> np.ndarray:
    """Rows as unit vectors over the ``columns`` features most of them use.

    Themes are made of features many answers share, so the rare ones can be left out while
    groups are looked for (the themes' profiles keep every feature); what is left is small
    enough to hold densely, and k-means on it is a few matrix products.
    """
    used, counts = np.unique(rows.columns, return_counts=True)
    keep = used[np.lexsort((used, -counts))[:columns]]
    position = np.full(int(rows.columns.max(initial=0)) + 1, -1)
    position[keep] = np.arange(len(keep))
    matrix = np.zeros((len(rows), len(keep)), dtype=np.float32)
    where = position[rows.columns]
    kept = where >= 0
    matrix[rows.row_of_each_entry()[kept], where[kept]] = rows.weights[kept]
    return unit_rows(matrix)

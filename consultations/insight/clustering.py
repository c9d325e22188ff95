"""Finding groups among unit-length vectors: k-means on the sphere, and how many groups.

Seeded throughout, so the same answers give the same groups on every machine run.
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
    points: np.ndarray, k: int, *, seed: int, restarts: int = 3, rounds: int = 50
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
            sums = np.zeros_like(centres)
            np.add.at(sums, labels, points)
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


def silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette with cosine distance: how much nearer each point is to its own group."""
    distance = 1.0 - points @ points.T
    groups = np.unique(labels)
    if len(groups) < 2:
        return -1.0
    member = labels[:, None] == groups[None, :]
    sizes = member.sum(axis=0).astype(np.float64)
    totals = distance @ member
    own = member.argmax(axis=1)
    own_size = sizes[own]
    a = np.where(own_size > 1, totals[np.arange(len(points)), own] / np.maximum(own_size - 1, 1), 0)
    mean_to = totals / sizes[None, :]
    mean_to[np.arange(len(points)), own] = np.inf
    b = mean_to.min(axis=1)
    score = np.where(own_size > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(score.mean())


def dense_rows(rows: Rows) -> np.ndarray:
    """Rows as a dense matrix over just the features they use (for a few hundred rows)."""
    used, columns = np.unique(rows.columns, return_inverse=True)
    matrix = np.zeros((len(rows), len(used)), dtype=np.float32)
    matrix[rows.row_of_each_entry(), columns] = rows.weights
    return matrix


def kmeans_rows(
    rows: Rows, n_features: int, k: int, *, seed: int, restarts: int = 3, rounds: int = 30
) -> np.ndarray:
    """Labels of the best of ``restarts`` spherical k-means runs on sparse unit rows.

    Run on the rows themselves: short answers share few features, and squeezing them into
    fewer dimensions adds more noise than those few shared features carry.
    """
    rng = np.random.default_rng(seed)
    n = len(rows)
    best_labels, best_score = np.zeros(n, dtype=np.int64), -np.inf

    def row_vector(i: int) -> np.ndarray:
        vector = np.zeros((n_features, 1), dtype=np.float32)
        lo, hi = rows.starts[i], rows.starts[i + 1]
        vector[rows.columns[lo:hi], 0] = rows.weights[lo:hi]
        return vector

    for _ in range(restarts):
        chosen = [int(rng.integers(n))]
        distance = 1.0 - rows.dot_dense(row_vector(chosen[0]))[:, 0]
        for _ in range(1, k):
            weights = np.clip(distance, 0.0, None) ** 2
            total = weights.sum()
            pick = int(rng.choice(n, p=weights / total)) if total > 0 else int(rng.integers(n))
            chosen.append(pick)
            distance = np.minimum(distance, 1.0 - rows.dot_dense(row_vector(pick))[:, 0])
        centres = np.hstack([row_vector(i) for i in chosen])
        labels = np.full(n, -1, dtype=np.int64)
        for _ in range(rounds):
            similarity = rows.dot_dense(centres)
            new_labels = similarity.argmax(axis=1)
            if np.array_equal(new_labels, labels):
                break
            labels = new_labels
            sums = rows.sum_by_group(labels, k, n_features).astype(np.float32)
            empty = ~sums.any(axis=1)
            if empty.any():
                worst = np.argsort(similarity.max(axis=1))[: int(empty.sum())]
                for slot, i in zip(np.flatnonzero(empty), worst, strict=True):
                    sums[slot] = row_vector(int(i))[:, 0]
            centres = np.ascontiguousarray(unit_rows(sums).T)
        score = float(rows.dot_dense(centres).max(axis=1).sum())
        if score > best_score:
            best_labels, best_score = labels, score
    return best_labels

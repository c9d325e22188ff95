"""Group young people's written answers into themes, and place new answers into themes.

``find_themes`` takes the answers to a question (or to a whole consultation) and returns
themes, each with a short label in the answers' own words, its size, its most central
answers and a profile, plus where every answer went: a theme, with how well it fits, or
"other", with why. ``place_answers`` puts new answers into themes already found (or accepted
by an officer) without grouping again.

Answers are grouped within their language, in two steps. First each answer's meaning (a
sentence vector, see ``sentences.py``) is matched against the starter themes, the subjects
young people raise in most consultations (``starter.py``); then the answers that match none
are grouped by their own words and word pieces, each language's words weighed against that
language's answers only, so a hundred English answers do not drown twenty Urdu ones. The
engine is pure: no database, no network, nothing logged; the same answers give the same
themes and ids every time.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from consultations.insight.clustering import (
    cosine_distances,
    dense_rows,
    kmeans,
    silhouette,
    unit_rows,
)
from consultations.insight.sentences import sentence_vectors
from consultations.insight.space import PAIR, WORD, Rows, Space, features
from consultations.insight.starter import StarterThemes, starter_themes
from consultations.insight.text import compared_form, guess_language, surface_words

MODEL_VERSION = 2
# Features looked at while groups are found (the most widely used ones); see dense_rows.
DISCOVERY_FEATURES = 2000


class OtherReason(StrEnum):
    """Why an answer is in "other"."""

    NO_FIT = "no_fit"  # it fits none of the themes closely enough
    TOO_FEW = "too_few_answers"  # its language has too few answers to find themes in
    NO_WORDS = "no_words"  # nothing to group by: only emoji, numbers or filler words
    NO_THEMES = "no_themes"  # there are no themes (in its language) to place it in


class NoThemesReason(StrEnum):
    """Why there are no themes, for the whole question or for one language."""

    NO_ANSWERS = "no_answers"
    TOO_FEW = "too_few_answers"
    NO_THEMES = "no_themes_found"


@dataclass(frozen=True)
class AnswerText:
    """One written answer as the engine reads it.

    ``language`` is the language the young person answered in, when known; ``quotable``
    says whether moderation lets the answer be shown, so only those are picked to stand for
    a theme.
    """

    id: int | str
    text: str
    language: str | None = None
    quotable: bool = True


@dataclass(frozen=True)
class ThemeOptions:
    """How themes are found; the defaults suit one question's answers."""

    # Fewer answers than this in a language and no themes are looked for in it.
    min_answers: int = 10
    min_theme_size: int = 3
    # A starter theme is a subject known beforehand, so even one answer on it belongs
    # there rather than in "other" (its count is shown, as every count, through the
    # small-group rule). Chosen by cross-validation on the corpus's training part: at 2 or
    # 3, small questions lose whole subjects to "other".
    min_starter_size: int = 1
    max_themes: int = 20
    # A set number of themes to find instead of choosing one (an officer asking for eight).
    themes: int | None = None
    # Themes are found on at most this many answers per language (a seeded sample); every
    # answer is then placed, so the time grows little past it.
    fit_sample: int = 1500
    # Only the start of a very long answer is read for grouping.
    max_chars: int = 2000
    # Least similarity to a theme's profile for an answer to join it.
    min_similarity: float = 0.15
    profile_terms: int = 300
    representatives: int = 3
    max_features: int = 30000
    seed: int = 0
    # Match answers against the starter themes by meaning before grouping by words. Off,
    # the engine groups by words alone (fast at any size, but mostly one shared word).
    starter: bool = True
    # Group the answers that match no starter theme by their words (new subjects such as a
    # skate park); off, they stay in "other".
    group_the_rest: bool = True


@dataclass(frozen=True)
class ThemeProfile:
    """What a theme looks like, to place new answers in it: a weighted list of features."""

    theme_id: str
    language: str
    weights: dict[str, float]
    # The starter theme it is (placed by meaning, not by ``weights``), or None.
    starter: str | None = None

    def to_json(self) -> dict:
        return {
            "theme_id": self.theme_id,
            "language": self.language,
            "weights": self.weights,
            "starter": self.starter,
        }

    @classmethod
    def from_json(cls, data: dict) -> ThemeProfile:
        return cls(data["theme_id"], data["language"], dict(data["weights"]), data.get("starter"))


@dataclass(frozen=True)
class Theme:
    """A group of answers saying much the same thing."""

    id: str
    language: str
    label: str
    terms: tuple[str, ...]
    answer_ids: tuple[int | str, ...]
    representative_ids: tuple[int | str, ...]
    profile: ThemeProfile

    @property
    def starter(self) -> str | None:
        """The starter theme's key ("safety", "transport" …), or None for one found in words."""
        return self.profile.starter

    @property
    def size(self) -> int:
        return len(self.answer_ids)


@dataclass(frozen=True)
class Placement:
    """Where one answer went: a theme and how closely it fits (0 to 1), or other and why."""

    answer_id: int | str
    theme_id: str | None
    confidence: float
    reason: OtherReason | None = None


@dataclass(frozen=True)
class LanguageNote:
    """Why a language's answers got no themes."""

    language: str
    answers: int
    reason: NoThemesReason
    needed: int


@dataclass(frozen=True)
class ThemeModel:
    """Everything placing new answers needs, as JSON: each language's weights, each profile."""

    spaces: dict[str, Space]
    profiles: tuple[ThemeProfile, ...]
    min_similarity: float
    max_chars: int
    # The starter themes new answers are matched against first; as JSON, only whether the
    # shipped ones were used (they ship with the code, so are not stored again).
    starter: StarterThemes | None = field(default=None, compare=False)

    def to_json(self) -> dict:
        return {
            "version": MODEL_VERSION,
            "min_similarity": self.min_similarity,
            "max_chars": self.max_chars,
            "starter": self.starter is not None,
            "spaces": [space.to_json() for _, space in sorted(self.spaces.items())],
            "profiles": [profile.to_json() for profile in self.profiles],
        }

    @classmethod
    def from_json(cls, data: dict) -> ThemeModel:
        if data.get("version") != MODEL_VERSION:
            raise ValueError(f"theme model version {data.get('version')!r} is not understood")
        spaces = [Space.from_json(s) for s in data["spaces"]]
        return cls(
            {s.language: s for s in spaces},
            tuple(ThemeProfile.from_json(p) for p in data["profiles"]),
            float(data["min_similarity"]),
            int(data["max_chars"]),
            starter_themes() if data.get("starter") else None,
        )

    def without(self, theme_ids: set[str]) -> ThemeModel:
        """The same model less some themes (discarded by an officer, say)."""
        kept = tuple(p for p in self.profiles if p.theme_id not in theme_ids)
        return ThemeModel(self.spaces, kept, self.min_similarity, self.max_chars, self.starter)


@dataclass(frozen=True)
class ThemeResult:
    themes: tuple[Theme, ...]
    placements: tuple[Placement, ...]
    notes: tuple[LanguageNote, ...]
    model: ThemeModel
    by_answer: dict[int | str, Placement] = field(repr=False, compare=False, default_factory=dict)

    @property
    def why_no_themes(self) -> NoThemesReason | None:
        """Why the question has no themes at all, or None when it has some."""
        if self.themes:
            return None
        if not self.placements:
            return NoThemesReason.NO_ANSWERS
        if self.notes and all(n.reason is NoThemesReason.TOO_FEW for n in self.notes):
            return NoThemesReason.TOO_FEW
        if not self.notes and all(p.reason is OtherReason.NO_WORDS for p in self.placements):
            return NoThemesReason.TOO_FEW
        return NoThemesReason.NO_THEMES

    @property
    def other_ids(self) -> tuple[int | str, ...]:
        return tuple(p.answer_id for p in self.placements if p.theme_id is None)

    @property
    def placed_share(self) -> float:
        if not self.placements:
            return 0.0
        return sum(p.theme_id is not None for p in self.placements) / len(self.placements)


# --- finding themes -------------------------------------------------------------------


@dataclass
class _Language:
    """One language's answers while themes are found in them."""

    language: str
    answers: list[AnswerText]
    counts: list[Counter[str]]


def find_themes(
    answers: Sequence[AnswerText],
    options: ThemeOptions | None = None,
    starter: StarterThemes | None = None,
) -> ThemeResult:
    """Themes among ``answers``, and where each answer went (in the order given).

    ``starter`` replaces the shipped starter themes (a comparison fitting its own, say).
    """
    options = options or ThemeOptions()
    if options.starter and starter is None:
        starter = starter_themes()
    elif not options.starter:
        starter = None
    placements: dict[int | str, Placement] = {}
    themes: list[Theme] = []
    notes: list[LanguageNote] = []
    spaces: dict[str, Space] = {}

    for group in _by_language(answers, options, placements):
        if len(group.answers) < options.min_answers:
            notes.append(
                LanguageNote(
                    group.language, len(group.answers), NoThemesReason.TOO_FEW, options.min_answers
                )
            )
            for answer in group.answers:
                placements[answer.id] = Placement(answer.id, None, 0.0, OtherReason.TOO_FEW)
            continue
        space = Space.fit(group.language, group.counts, max_features=options.max_features)
        found = []
        rest = group
        if starter is not None:
            known, rest = _starter_themes_in(group, space, starter, options, placements)
            found += known
        if options.group_the_rest and len(rest.answers) >= options.min_answers:
            rest_space = Space.fit(rest.language, rest.counts, max_features=options.max_features)
            found += _themes_in(rest, rest_space, options, placements)
            space = rest_space
        else:
            for answer in rest.answers:
                placements[answer.id] = Placement(answer.id, None, 0.0, OtherReason.NO_FIT)
        if found:
            spaces[group.language] = space
            themes += found
        else:
            notes.append(
                LanguageNote(
                    group.language,
                    len(group.answers),
                    NoThemesReason.NO_THEMES,
                    options.min_answers,
                )
            )

    themes.sort(key=lambda t: (-t.size, t.language, t.id))
    ordered = tuple(placements[a.id] for a in answers)
    model = ThemeModel(
        spaces,
        tuple(t.profile for t in themes),
        options.min_similarity,
        options.max_chars,
        starter,
    )
    return ThemeResult(tuple(themes), ordered, tuple(notes), model, placements)


def starter_theme_id(key: str, language: str) -> str:
    """A starter theme's id: the same in every run and question, so edits can follow it."""
    return f"s-{key}-{language}"


def _named(group: _Language, space: Space) -> tuple[list[set[str]], Counter[str]]:
    """Each answer's words and pairs known to ``space``, and how many answers have each."""
    named = [
        {f for f in found if f[0] in (WORD, PAIR) and f in space.vocabulary}
        for found in group.counts
    ]
    everywhere: Counter[str] = Counter()
    for keys in named:
        everywhere.update(keys)
    return named, everywhere


def _starter_themes_in(
    group: _Language,
    space: Space,
    starter: StarterThemes,
    options: ThemeOptions,
    placements: dict[int | str, Placement],
) -> tuple[list[Theme], _Language]:
    """The starter themes ``group``'s answers match, and the answers that match none."""
    vectors = sentence_vectors([a.text for a in group.answers], options.max_chars)
    keys, likelihood = starter.best(vectors)
    members: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        if key is not None:
            members[key].append(index)
    named, everywhere = _named(group, space)
    themes: list[Theme] = []
    left = set(range(len(group.answers)))
    for key in sorted(members):
        indices = np.asarray(members[key])
        if len(indices) < options.min_starter_size:
            continue
        theme_id = starter_theme_id(key, group.language)
        ids = tuple(group.answers[i].id for i in indices)
        themes.append(
            Theme(
                id=theme_id,
                language=group.language,
                label=starter.label(key, group.language),
                terms=tuple(_telling_terms(group, indices, named, everywhere)),
                answer_ids=ids,
                representative_ids=_representatives(group, indices, likelihood, options),
                profile=ThemeProfile(theme_id, group.language, {}, key),
            )
        )
        for i in indices.tolist():
            left.discard(i)
            placements[group.answers[i].id] = Placement(
                group.answers[i].id, theme_id, round(float(likelihood[i]), 4)
            )
    order = sorted(left)
    rest = _Language(
        group.language, [group.answers[i] for i in order], [group.counts[i] for i in order]
    )
    return themes, rest


def _by_language(
    answers: Sequence[AnswerText], options: ThemeOptions, placements: dict[int | str, Placement]
) -> list[_Language]:
    if len({a.id for a in answers}) != len(answers):
        raise ValueError("answer ids must be unique")
    groups: dict[str, _Language] = {}
    # Sorted by id, so the order answers arrive in does not change the themes.
    for answer in sorted(answers, key=lambda a: (str(type(a.id)), a.id)):
        language = guess_language(answer.text[: options.max_chars], answer.language)
        counts = features(answer.text, language, options.max_chars)
        if not counts:
            placements[answer.id] = Placement(answer.id, None, 0.0, OtherReason.NO_WORDS)
            continue
        group = groups.setdefault(language, _Language(language, [], []))
        group.answers.append(answer)
        group.counts.append(counts)
    return [groups[language] for language in sorted(groups)]


def _themes_in(
    group: _Language, space: Space, options: ThemeOptions, placements: dict[int | str, Placement]
) -> list[Theme]:
    rows = space.rows(group.counts)
    n = len(rows)
    rng = np.random.default_rng(options.seed)
    sample = (
        np.arange(n)
        if n <= options.fit_sample
        else np.sort(rng.choice(n, options.fit_sample, replace=False))
    )
    fit_rows = rows.take(sample)
    has_features = np.diff(fit_rows.starts) > 0
    sample, fit_rows = sample[has_features], fit_rows.take(np.flatnonzero(has_features))

    centres = _discover(fit_rows, len(space), options)
    profiles = _refine(rows, centres, options)
    labels, similarity = _assign(rows, profiles, options.min_similarity)

    named, everywhere = _named(group, space)
    themes: list[Theme] = []
    for index in range(len(profiles)):
        members = np.flatnonzero(labels == index)
        if not len(members):
            continue
        ids = tuple(group.answers[i].id for i in members)
        theme_id = _theme_id(group.language, ids)
        weights = _profile_weights(profiles[index], space, options.profile_terms)
        terms = _telling_terms(group, members, named, everywhere)
        themes.append(
            Theme(
                id=theme_id,
                language=group.language,
                label=" · ".join(terms) if terms else "…",
                terms=tuple(terms),
                answer_ids=ids,
                representative_ids=_representatives(group, members, similarity, options),
                profile=ThemeProfile(theme_id, group.language, weights),
            )
        )
        for i in members:
            placements[group.answers[i].id] = Placement(
                group.answers[i].id, theme_id, round(float(similarity[i]), 4)
            )
    for i in np.flatnonzero(labels < 0):
        answer = group.answers[i]
        placements[answer.id] = Placement(
            answer.id, None, round(float(max(similarity[i], 0.0)), 4), OtherReason.NO_FIT
        )
    return themes


def _discover(rows: Rows, n_features: int, options: ThemeOptions) -> np.ndarray:
    """Centres of the groups among ``rows`` (groups × features), the count chosen by fit."""
    n = len(rows)
    largest = min(options.max_themes, n // options.min_theme_size)
    if options.themes is not None:
        largest = min(options.themes, n // options.min_theme_size)
    points = dense_rows(rows, DISCOVERY_FEATURES)
    if largest < 2:
        labels = np.zeros(n, dtype=np.int64)
    elif options.themes is not None:
        labels = kmeans(points, largest, seed=options.seed)
    else:
        # The silhouette is judged on a fixed share of the sample, which keeps it cheap.
        judge = np.random.default_rng(options.seed).permutation(n)[:1000]
        distance = cosine_distances(points[judge])
        tried = []
        for k in range(2, largest + 1):
            labels = kmeans(points, k, seed=options.seed)
            tried.append((silhouette(distance, labels[judge]), labels))
        # The count whose groups stand furthest apart; the first of equals, so fewer themes.
        labels = max(tried, key=lambda item: item[0])[1]
    k = int(labels.max()) + 1
    return rows.sum_by_group(labels, k, n_features)


def _refine(rows: Rows, centres: np.ndarray, options: ThemeOptions) -> np.ndarray:
    """Profiles rebuilt from the answers that fit them, small groups let go, twice over."""
    profiles = _trim(unit_rows(centres), options.profile_terms)
    for _ in range(2):
        labels, _ = _assign(rows, profiles, options.min_similarity)
        sizes = np.bincount(labels[labels >= 0], minlength=len(profiles))
        keep = np.flatnonzero(sizes >= options.min_theme_size)
        if not len(keep):
            return profiles[:0]
        remap = np.full(len(profiles), -1)
        remap[keep] = np.arange(len(keep))
        labels = np.where(labels >= 0, remap[np.maximum(labels, 0)], -1)
        sums = rows.sum_by_group(labels, len(keep), profiles.shape[1])
        profiles = _trim(unit_rows(sums), options.profile_terms)
    return profiles


def _trim(profiles: np.ndarray, terms: int) -> np.ndarray:
    """Each profile cut to its ``terms`` heaviest features, so it stays small to keep."""
    if profiles.shape[1] > terms:
        cut = np.argpartition(-profiles, terms - 1, axis=1)[:, terms:]
        profiles = profiles.copy()
        np.put_along_axis(profiles, cut, 0.0, axis=1)
    return unit_rows(profiles)


def _assign(rows: Rows, profiles: np.ndarray, least: float) -> tuple[np.ndarray, np.ndarray]:
    """The closest profile of each row (-1 when none is close enough) and how close."""
    if not len(profiles):
        return np.full(len(rows), -1), np.zeros(len(rows), dtype=np.float32)
    similarity = rows.dot_dense(np.ascontiguousarray(profiles.T, dtype=np.float32))
    best = similarity.argmax(axis=1)
    closeness = similarity[np.arange(len(rows)), best]
    return np.where(closeness >= least, best, -1), closeness


def _profile_weights(profile: np.ndarray, space: Space, terms: int) -> dict[str, float]:
    features_by_column = {i: f for f, i in space.vocabulary.items()}
    heaviest = np.argsort(-profile, kind="stable")[:terms]
    return {
        features_by_column[int(c)]: round(float(profile[c]), 5) for c in heaviest if profile[c] > 0
    }


def _theme_id(language: str, ids: tuple[int | str, ...]) -> str:
    """An id fixed by the theme's language and answers, so a re-run over them gives it again."""
    digest = hashlib.sha256(language.encode())
    for answer_id in sorted(str(i) for i in ids):
        digest.update(b"\x00" + answer_id.encode())
    return "t" + digest.hexdigest()[:12]


def _telling_terms(
    group: _Language, members: np.ndarray, named: list[set[str]], everywhere: Counter[str]
) -> list[str]:
    """Up to three words or pairs that set the theme apart, as young people typed them.

    ``named`` holds each answer's words and pairs, ``everywhere`` how many answers have each.
    """
    inside: Counter[str] = Counter()
    for i in members:
        inside.update(named[i])
    size, total = len(members), len(group.counts)

    def lift(feature: str) -> float:
        share = inside[feature] / size
        return share * math.log(share / (everywhere[feature] / total) + 1e-9)

    ranked = sorted((f for f, n in inside.items() if n >= 2), key=lambda f: (-lift(f), f))
    chosen: list[str] = []
    for feature in ranked:
        words = feature.split(" ")[1:]
        if any(set(words) <= set(c.split(" ")[1:]) for c in chosen):
            continue
        if feature[0] == PAIR:
            # A pair replaces the single words it is made of.
            chosen = [c for c in chosen if not set(c.split(" ")[1:]) <= set(words)]
        chosen.append(feature)
        if len(chosen) == 3:
            break
    typed = _typed_forms(group, members)
    return [" ".join(typed.get(w, w) for w in c.split(" ")[1:]) for c in chosen]


def _typed_forms(group: _Language, members: np.ndarray) -> dict[str, str]:
    """For each compared word, the way the theme's answers most often typed it."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for i in members:
        for compared, typed in surface_words(group.answers[i].text[:2000]):
            seen[compared_form(compared, group.language)][typed] += 1
    return {w: forms.most_common(1)[0][0] for w, forms in seen.items()}


def _representatives(
    group: _Language, members: np.ndarray, similarity: np.ndarray, options: ThemeOptions
) -> tuple[int | str, ...]:
    """The most central answers that may be shown, one of each wording."""
    order = sorted(
        members.tolist(), key=lambda i: (-float(similarity[i]), str(group.answers[i].id))
    )
    picked: list[int | str] = []
    seen: set[str] = set()
    for i in order:
        answer = group.answers[i]
        wording = " ".join(answer.text.casefold().split())
        if not answer.quotable or wording in seen:
            continue
        seen.add(wording)
        picked.append(answer.id)
        if len(picked) == options.representatives:
            break
    return tuple(picked)


# --- placing new answers --------------------------------------------------------------


def place_answers(answers: Sequence[AnswerText], model: ThemeModel) -> tuple[Placement, ...]:
    """Each new answer in the theme it fits best, or "other"; in the order given."""
    by_language: dict[str, list[tuple[int, Counter[str]]]] = defaultdict(list)
    placed: list[Placement | None] = [None] * len(answers)
    for position, answer in enumerate(answers):
        language = guess_language(answer.text[: model.max_chars], answer.language)
        counts = features(answer.text, language, model.max_chars)
        if not counts:
            placed[position] = Placement(answer.id, None, 0.0, OtherReason.NO_WORDS)
            continue
        by_language[language].append((position, counts))

    for language, items in by_language.items():
        items = _place_by_meaning(answers, language, items, model, placed)
        space = model.spaces.get(language)
        profiles = [p for p in model.profiles if p.language == language and p.starter is None]
        if not items:
            continue
        if space is None or not profiles:
            # Answers that matched none of the language's starter themes fit no theme; with
            # no theme at all in their language there was nothing to place them in.
            some = any(p.language == language for p in model.profiles)
            reason = OtherReason.NO_FIT if some else OtherReason.NO_THEMES
            for position, _ in items:
                placed[position] = Placement(answers[position].id, None, 0.0, reason)
            continue
        matrix = np.zeros((len(space), len(profiles)), dtype=np.float32)
        for column, profile in enumerate(profiles):
            for feature, weight in profile.weights.items():
                row = space.vocabulary.get(feature)
                if row is not None:
                    matrix[row, column] = weight
        rows = space.rows(counts for _, counts in items)
        similarity = rows.dot_dense(matrix)
        for (position, _), scores in zip(items, similarity, strict=True):
            best = int(scores.argmax())
            closeness = round(float(max(scores[best], 0.0)), 4)
            answer_id = answers[position].id
            if scores[best] >= model.min_similarity:
                placed[position] = Placement(answer_id, profiles[best].theme_id, closeness)
            else:
                placed[position] = Placement(answer_id, None, closeness, OtherReason.NO_FIT)
    return tuple(p for p in placed if p is not None)


def _place_by_meaning(
    answers: Sequence[AnswerText],
    language: str,
    items: list[tuple[int, Counter[str]]],
    model: ThemeModel,
    placed: list[Placement | None],
) -> list[tuple[int, Counter[str]]]:
    """Place the answers that match one of the model's starter themes; return the others."""
    kept = {p.starter: p.theme_id for p in model.profiles if p.language == language and p.starter}
    if model.starter is None or not kept:
        return items
    vectors = sentence_vectors([answers[position].text for position, _ in items], model.max_chars)
    keys, likelihood = model.starter.best(vectors)
    rest = []
    for item, key, chance in zip(items, keys, likelihood.tolist(), strict=True):
        theme_id = kept.get(key) if key is not None else None
        if theme_id is None:
            rest.append(item)
        else:
            placed[item[0]] = Placement(answers[item[0]].id, theme_id, round(chance, 4))
    return rest

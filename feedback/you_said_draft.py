"""A first "You said" written from the results and the accepted themes, for officers to edit.

Nothing here is saved or published: the officer reads the draft beside the figures it comes
from, edits it, and saves it through ``outcomes.save_you_said`` like any other text. So every
sentence carries its source, and the draft keeps the rules every public page keeps: a small
group is never stated, not even as what is left over from the figures that are; a theme too
small to name is not named; the only young people's words in it are quotes an officer
published after a moderator approved them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel.numbers import format_decimal

from consultations import audit, translations, words
from consultations.db import db
from consultations.errors import IllegalTransition
from consultations.models import Answer, Consultation, Option, Question, QuestionKind
from consultations.moderation import publishable_text
from consultations.readability import Readability, analyse
from consultations.results import theme_counts
from consultations.staff_models import User
from consultations.suppression import suppress
from feedback.outcomes import is_finished, quotes_of

# Enough to say what stood out; the officer adds the rest.
THEMES_NAMED = 3
QUOTES_USED = 2


@dataclass(frozen=True)
class DraftSentence:
    """One sentence of a draft and what it comes from.

    ``ref`` names the figure for the page and the tests ("people", "question:12",
    "theme:3", "quote:5"); ``source`` says it in words for the officer.
    """

    text: str
    ref: str
    source: str
    # Sentences the draft can lose to stay within the reading age: a quote, a runner-up.
    optional: bool = False


@dataclass(frozen=True)
class YouSaidDraft:
    language: str
    paragraphs: tuple[tuple[DraftSentence, ...], ...]
    readability: Readability

    @property
    def sentences(self) -> list[DraftSentence]:
        return [s for paragraph in self.paragraphs for s in paragraph]

    @property
    def text(self) -> str:
        return _text(self.paragraphs)


def _text(paragraphs: tuple[tuple[DraftSentence, ...], ...]) -> str:
    return "\n\n".join(" ".join(s.text for s in p) for p in paragraphs if p)


def share_words(part: int, whole: int, lang: str) -> str:
    """How many of them, as people say it: "everyone", "9 in 10", "about half"."""
    if whole <= 0 or part <= 0:
        return words.text("SHARE_UNDER_A_TENTH", lang)
    if part >= whole:
        return words.text("SHARE_ALL", lang)
    ratio = part / whole
    if ratio >= 0.95:
        return words.text("SHARE_NEARLY_ALL", lang)
    if 0.45 <= ratio < 0.55:
        return words.text("SHARE_HALF", lang)
    tenths = round(ratio * 10)
    if tenths < 1:
        return words.text("SHARE_UNDER_A_TENTH", lang)
    # 9.5 and up was "nearly everyone" above, so this is at most 9 in 10.
    return words.text("SHARE_TENTHS", lang).format(n=min(tenths, 9))


def _number(value: float, lang: str) -> str:
    # 3.8 in English, 3,8 in Polish.
    return format_decimal(value, format="#,##0.#", locale="en_GB" if lang == "en" else lang)


def _asked(question: Question, prompt: str, lang: str) -> DraftSentence:
    prompt = " ".join(prompt.split())
    if prompt and prompt[-1] not in ".?!":
        prompt += "?"
    return DraftSentence(
        words.text("DRAFT_ASKED", lang).format(question=prompt),
        f"question:{question.id}",
        f"Question {question.position + 1}, as it was asked",
    )


def _choice_paragraph(
    question: Question, shown: translations.Translated, lang: str, threshold: int
) -> tuple[DraftSentence, ...]:
    """The leading answers to one choice question, from the options that may be stated.

    The options are a table with a known total, so they go through the same suppression as
    any group: an option left out could otherwise be worked out by subtraction.
    """
    answered = question.answer_count
    if answered < threshold:
        return ()
    hiding = suppress({o.id: o.tally for o in question.options}, threshold)
    by_id = {o.id: o for o in question.options}
    stated = sorted(
        (by_id[i] for i in hiding.shown if by_id[i].tally > 0),
        key=lambda o: (-o.tally, o.position),
    )
    if not stated:
        return ()
    ref = f"question:{question.id}"
    prompt = question.prompt

    def label(option: Option) -> str:
        return shown.option(question, option.id, option.label)

    def source(*options: Option) -> str:
        counts = "; ".join(
            f"“{o.label}” {o.tally} of {answered} answers ({round(100 * o.tally / answered)}%)"
            for o in options
        )
        return f"Question {question.position + 1}, “{prompt}”: {counts}"

    out = [_asked(question, shown.prompt(question), lang)]
    first = stated[0]
    share = share_words(first.tally, answered, lang)
    if len(stated) > 1 and stated[1].tally == first.tally:
        second = stated[1]
        out.append(
            DraftSentence(
                words.text("DRAFT_TIE", lang).format(
                    first=label(first), second=label(second), share=share
                ),
                ref,
                source(first, second),
            )
        )
        rest = stated[2:]
    else:
        out.append(
            DraftSentence(
                words.text("DRAFT_TOP", lang).format(option=label(first), share=share),
                ref,
                source(first),
            )
        )
        rest = stated[1:]
    if rest:
        runner_up = rest[0]
        out.append(
            DraftSentence(
                words.text("DRAFT_NEXT", lang).format(
                    option=label(runner_up), share=share_words(runner_up.tally, answered, lang)
                ),
                ref,
                source(runner_up),
                optional=True,
            )
        )
    return tuple(out)


def _scale_paragraph(
    question: Question, shown: translations.Translated, lang: str, threshold: int
) -> tuple[DraftSentence, ...]:
    """A scale question's average and, where both sides are big enough, the share scoring high."""
    answered = question.answer_count
    steps = sorted((o for o in question.options if o.value is not None), key=lambda o: o.value or 0)
    if answered < threshold or len(steps) < 3:
        return ()
    ref = f"question:{question.id}"
    low, high = steps[0].value or 0, steps[-1].value or 0
    mean = sum((o.value or 0) * o.tally for o in steps) / answered
    number = f"Question {question.position + 1}, “{question.prompt}”"
    out = [
        _asked(question, shown.prompt(question), lang),
        DraftSentence(
            words.text("DRAFT_SCALE_AVERAGE", lang).format(
                low=low, high=high, mean=_number(round(mean, 1), lang)
            ),
            ref,
            f"{number}: average {round(mean, 1)} from {answered} answers",
        ),
    ]
    low_label, high_label = shown.scale_min_label(question), shown.scale_max_label(question)
    if low_label and high_label:
        out.append(
            DraftSentence(
                words.text("DRAFT_SCALE_ENDS", lang).format(
                    low=low, high=high, low_label=low_label, high_label=high_label
                ),
                ref,
                f"{number}: the scale's own labels",
                optional=True,
            )
        )
    top_two = steps[-2:]
    upper = sum(o.tally for o in top_two)
    # High and the rest make a table of two with a known total: either side small is a group.
    split = suppress({"high": upper, "rest": answered - upper}, threshold)
    if upper > 0 and not split.hidden:
        out.append(
            DraftSentence(
                words.text("DRAFT_SCALE_HIGH", lang).format(
                    upper=top_two[0].value,
                    top=top_two[1].value,
                    share=share_words(upper, answered, lang),
                ),
                ref,
                f"{number}: {top_two[0].value} or {top_two[1].value} from {upper} "
                f"of {answered} answers",
            )
        )
    return tuple(out)


def _themes_paragraph(
    consultation: Consultation, lang: str, threshold: int
) -> tuple[DraftSentence, ...]:
    counted = theme_counts(consultation, threshold=threshold)
    return tuple(
        DraftSentence(
            words.counted("DRAFT_THEME", theme.people, lang, theme=theme.name),
            f"theme:{theme.tag_id}",
            f"Theme “{theme.name}”: written answers from {theme.people} people carry this tag",
        )
        for theme in counted.shown[:THEMES_NAMED]
    )


def _quotes_paragraph(consultation: Consultation, lang: str) -> tuple[DraftSentence, ...]:
    out: list[DraftSentence] = []
    for quote in quotes_of(consultation):
        answer = db.session.get(Answer, quote.answer_id)
        # A quote stays only while moderation still allows its answer to be shown.
        if answer is None or publishable_text(answer) is None:
            continue
        out.append(
            DraftSentence(
                words.text("DRAFT_QUOTE", lang).format(quote=" ".join(quote.text.split())),
                f"quote:{quote.id}",
                "A quote published on the “you said, we did” page, approved in moderation",
                optional=True,
            )
        )
        if len(out) == QUOTES_USED:
            break
    return tuple(out)


def _people_sentence(n: int, lang: str, threshold: int) -> DraftSentence:
    if n == 0:
        return DraftSentence(words.text("DRAFT_NO_ANSWERS", lang), "people", "Nobody has answered")
    if n < threshold:
        return DraftSentence(
            words.text("DRAFT_TOO_FEW", lang),
            "people",
            f"Fewer than {threshold} people answered, so no figure is given",
        )
    return DraftSentence(
        words.counted("DRAFT_TOOK_PART", n, lang),
        "people",
        f"{n} young people took part",
    )


def _within_reading_age(
    paragraphs: list[tuple[DraftSentence, ...]], target: float
) -> tuple[tuple[tuple[DraftSentence, ...], ...], Readability]:
    """Drop optional sentences, last first, until the draft reads at the target age."""
    kept = [list(p) for p in paragraphs]
    while True:
        frozen = tuple(tuple(p) for p in kept if p)
        report = analyse(_text(frozen), target=target)
        if report.passes:
            return frozen, report
        spare = [(i, j) for i, p in enumerate(kept) for j, s in enumerate(p) if s.optional]
        if not spare:
            return frozen, report
        i, j = spare[-1]
        del kept[i][j]


def draft(consultation: Consultation, language: str = "en", *, threshold: int) -> YouSaidDraft:
    """The draft in one language, from the counts kept as answers arrive and the tags."""
    n = consultation.respondent_count
    paragraphs: list[tuple[DraftSentence, ...]] = [(_people_sentence(n, language, threshold),)]
    if n >= threshold:
        shown = translations.translated(consultation, language)
        for question in consultation.questions:
            if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
                paragraphs.append(_choice_paragraph(question, shown, language, threshold))
            elif question.kind is QuestionKind.SCALE:
                paragraphs.append(_scale_paragraph(question, shown, language, threshold))
        paragraphs.append(_themes_paragraph(consultation, language, threshold))
    if n > 0:
        paragraphs.append(_quotes_paragraph(consultation, language))
    kept, report = _within_reading_age(paragraphs, consultation.reading_age_target)
    return YouSaidDraft(language, kept, report)


def draft_languages(consultation: Consultation) -> list[str]:
    """English always, then each language the consultation has been translated into."""
    return ["en", *translations.languages_of(consultation)]


def write_drafts(
    actor: User | None, consultation: Consultation, *, threshold: int, now: datetime
) -> list[YouSaidDraft]:
    """Drafts in every language the consultation has; recorded, but nothing saved or sent."""
    if not is_finished(consultation, now):
        raise IllegalTransition("Write feedback once the consultation has closed.")
    drafts = [
        draft(consultation, lang, threshold=threshold) for lang in draft_languages(consultation)
    ]
    audit.record(
        actor,
        "drafted_you_said",
        "consultation",
        consultation.id,
        now=now,
        detail=",".join(d.language for d in drafts),
    )
    return drafts

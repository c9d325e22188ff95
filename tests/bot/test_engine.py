"""The conversation engine on its own: turns driven by a scripted back end, no HTTP, no event loop.

A turn yields requests (``bot.requests``); ``play`` answers each from a dict, the way the
runner answers them from the API, and keeps what was asked so a test can see what was saved.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot import requests as ask
from bot import wording
from bot.conversation import Dialogue, Links, Result
from bot.state import ChatState
from channel_api import payloads as api

SLUG = "late-buses"
WHO = "person-1"
LINKS = Links(privacy_url="https://yv.example/privacy", web_url="https://yv.example")

CONSULTATION = api.Consultation.model_validate(
    {
        "slug": SLUG,
        "language": "en",
        "youth_title": "Buses after dark",
        "summary": "Should buses run later?",
        "theme": None,
        "opens_at": None,
        "closes_at": None,
        "feedback_due": None,
        "reading_age": 9.0,
        "minutes_to_read": 2,
        "audience": {"min_age": 11, "max_age": 25},
        "status": "open",
        "accepting_answers": True,
        "requires_access_code": False,
        "youth_text": "The council wants to know when you travel.",
        "original": {
            "title": "Night transport review",
            "text": "",
            "source_document": "",
            "source_organisation": "",
            "url": "",
        },
        "glossary": [],
        "questions": [
            {
                "id": 1,
                "position": 1,
                "kind": "single_choice",
                "prompt": "When do you travel most?",
                "required": True,
                "max_length": None,
                "scale": None,
                "options": [{"id": 11, "label": "Evenings"}, {"id": 12, "label": "Mornings"}],
            },
            {
                "id": 2,
                "position": 2,
                "kind": "free_text",
                "prompt": "What would make buses better?",
                "required": True,
                "max_length": 300,
                "scale": None,
                "options": [],
            },
        ],
    }
)
NOT_SUBSCRIBED = api.ParticipantSettings(known=True, age_band=None, area=None, subscribed=False)


def stored(**answer: Any) -> api.StoredAnswer:
    return api.StoredAnswer(updated_at=datetime.now(UTC), **answer)


def refused(status: int, detail: str = "") -> ask.ApiProblem:
    return ask.ApiProblem(status, api.Problem(title="Refused", status=status, detail=detail))


class Backend:
    """The back end as a dict: a request's type → its answer, a function of it, or an error."""

    def __init__(self, **extra: object) -> None:
        self.saved: list[api.AnswerIn] = []
        self.answers: dict[type[ask.Request[Any]], object] = {
            ask.GetConsultation: CONSULTATION,
            ask.Consultations: [CONSULTATION],
            ask.Answers: lambda request: [stored(**a.model_dump()) for a in self.saved],
            ask.Submit: self._submit,
            ask.Me: NOT_SUBSCRIBED,
            ask.Forget: True,
            ask.CodeFor: lambda request: request.slug,
            ask.SlugFor: lambda request: request.code,
            **{getattr(ask, name): answer for name, answer in extra.items()},
        }
        self.asked: list[ask.Request[Any]] = []

    def _submit(self, request: ask.Submit) -> api.Saved:
        self.saved.extend(request.answers)
        return api.Saved(saved=len(request.answers), support=None)

    def play(self, turn: ask.Steps[Result]) -> Result:
        """Run one turn to its end, answering every request it yields."""
        try:
            request = next(turn)
            while True:
                self.asked.append(request)
                answer = self.answers[type(request)]
                if callable(answer):
                    answer = answer(request)
                # An error stands for a refusal or an outage: it is thrown into the turn.
                thrown = isinstance(answer, Exception)
                request = turn.throw(answer) if thrown else turn.send(answer)
        except StopIteration as finished:
            result: Result = finished.value
            return result


def said(result: Result) -> list[str]:
    return [reply.text for reply in result.replies]


def at_written_question() -> ChatState:
    return ChatState(welcomed=True, slug=SLUG, question=2, writing=True, profile_done=True)


def test_a_written_answer_is_saved_before_it_is_acknowledged():
    backend, state = Backend(), at_written_question()
    result = backend.play(
        Dialogue(LINKS).text(WHO, WHO, state, "  Buses every 20 minutes after 10pm  ")
    )
    submits = [r for r in backend.asked if isinstance(r, ask.Submit)]
    assert [(s.slug, s.who) for s in submits] == [(SLUG, WHO)]
    assert [(a.question_id, a.text) for a in submits[0].answers] == [
        (2, "Buses every 20 minutes after 10pm")
    ]
    assert said(result)[0] == wording.SAVED
    # Question 1 is still to answer, so it comes next; the written question is done.
    assert said(result)[1].startswith(wording.question_header(1, 2, "When do you travel most?"))
    assert (state.question, state.writing) == (1, False)


def test_a_command_typed_at_a_written_question_is_a_command_not_the_answer():
    backend, state = Backend(), at_written_question()
    result = backend.play(Dialogue(LINKS).text(WHO, WHO, state, "forget me"))
    assert not any(isinstance(r, (ask.Submit, ask.Forget)) for r in backend.asked)
    assert said(result) == [wording.FORGET_ASK]
    assert state.offer == "forget"
    # The written question is still open for the next text.
    assert (state.question, state.writing) == (2, True)


def test_forget_me_deletes_only_once_the_person_says_yes():
    backend, state, dialogue = Backend(), ChatState(welcomed=True), Dialogue(LINKS)
    asked = backend.play(dialogue.command(WHO, WHO, state, "forgetme"))
    assert said(asked) == [wording.FORGET_ASK]
    assert [b.data for row in asked.replies[0].buttons for b in row] == ["fy", "fn"]
    assert backend.asked == []
    done = backend.play(dialogue.text(WHO, WHO, state, "yes"))
    assert backend.asked == [ask.Forget(WHO)]
    assert state.forgotten
    assert said(done) == [wording.FORGOTTEN]


def test_no_to_forget_me_deletes_nothing():
    backend, state, dialogue = Backend(), ChatState(welcomed=True), Dialogue(LINKS)
    backend.play(dialogue.command(WHO, WHO, state, "forgetme"))
    result = backend.play(dialogue.button(WHO, WHO, state, "fn"))
    assert said(result) == [wording.NOT_FORGOTTEN]
    assert not state.forgotten and state.offer is None
    assert not any(isinstance(r, ask.Forget) for r in backend.asked)


def test_coming_back_carries_on_where_the_person_left_off():
    backend = Backend()
    backend.saved.append(api.AnswerIn(question_id=1, option_ids=[11]))
    state = ChatState(welcomed=True, slug=SLUG, question=None, profile_done=True)
    dialogue = Dialogue(LINKS)
    back = backend.play(dialogue.command(WHO, WHO, state, "start"))
    assert said(back) == [wording.WELCOME_BACK.format(title="Buses after dark")]
    assert back.replies[0].buttons[0][0].data == f"go:{SLUG}"
    carried_on = backend.play(dialogue.button(WHO, WHO, state, f"go:{SLUG}"))
    # Question 1 was answered: the next one is question 2, not the first again.
    assert said(carried_on)[0].startswith(wording.question_header(2, 2, ""))
    assert (state.question, state.writing) == (2, True)


def test_a_refusal_is_one_plain_sentence_in_the_persons_language_and_nothing_is_kept():
    backend = Backend(Submit=refused(409, "Consultation is closed"))
    state = at_written_question()
    before = state.to_json()
    result = backend.play(Dialogue(LINKS).text(WHO, WHO, state, "Later buses", hint="pl"))
    assert said(result) == [wording.text("CLOSED", "pl")]
    assert said(result) != [wording.CLOSED]
    assert state.to_json() == before


def test_when_the_back_end_is_down_the_answer_is_not_acknowledged_and_the_question_stays():
    backend = Backend(Submit=ask.BackendDown("connect"))
    state = at_written_question()
    result = backend.play(Dialogue(LINKS).text(WHO, WHO, state, "Later buses"))
    assert said(result) == [f"{wording.BACKEND_DOWN}\n{wording.ANSWERS_SAFE}"]
    assert wording.SAVED not in said(result)
    assert (state.question, state.writing) == (2, True)


def test_a_failed_lookup_says_sorry_and_forgets_the_half_done_turn():
    # The consultation cannot be read at all: nothing the turn changed is kept.
    backend = Backend(GetConsultation=ask.BackendDown("timeout"))
    state = ChatState(welcomed=True, listed=[SLUG])
    result = backend.play(Dialogue(LINKS).button(WHO, WHO, state, f"c:{SLUG}"))
    assert said(result) == [wording.BACKEND_DOWN]
    assert state == ChatState(welcomed=True, listed=[SLUG])


def test_a_button_for_a_consultation_the_store_does_not_know_is_out_of_date():
    backend = Backend(SlugFor=None)
    result = backend.play(Dialogue(LINKS).button(WHO, WHO, ChatState(), "c:~0123abcd"))
    assert backend.asked == [ask.SlugFor("~0123abcd")]
    assert said(result) == [wording.NOT_FOUND]
    assert result.notice == wording.STALE_BUTTON


TOPICS = [
    api.TopicChoice(
        key="tensions",
        name="Tackling tensions",
        description="",
        youth_words={"en": "Getting on with each other", "pl": "Dobre relacje między ludźmi"},
    ),
    api.TopicChoice(
        key="culture",
        name="Culture and belonging",
        description="",
        youth_words={"en": "Belonging and each other's cultures"},
    ),
]


class Following(Backend):
    """A back end that keeps one person's opt-in and topics, as the real one does."""

    def __init__(self, *, subscribed: bool, topics: list[str] | None = None) -> None:
        self.subscribed, self.topics = subscribed, list(topics or [])
        super().__init__()
        self.answers.update(
            {
                ask.Me: lambda request: self._settings(),
                ask.Subscribe: self._subscribe,
                ask.Topics: TOPICS,
                ask.FollowTopics: self._follow,
            }
        )

    def _settings(self) -> api.ParticipantSettings:
        return api.ParticipantSettings(
            known=True, age_band=None, area=None, subscribed=self.subscribed, topics=self.topics
        )

    def _subscribe(self, request: ask.Subscribe) -> api.ParticipantSettings:
        self.subscribed = True
        return self._settings()

    def _follow(self, request: ask.FollowTopics) -> api.ParticipantSettings:
        self.topics = list(request.topics)
        return self._settings()


def buttons(result: Result) -> list[tuple[str, str | None]]:
    return [(b.label, b.data) for reply in result.replies for row in reply.buttons for b in row]


def test_saying_yes_to_updates_offers_the_topics_with_everything_ticked():
    backend, state = Following(subscribed=False), ChatState(welcomed=True, offer="updates")
    result = backend.play(Dialogue(LINKS).button(WHO, WHO, state, "up:1"))
    assert backend.subscribed
    assert said(result) == [wording.UPDATES_ON, wording.ASK_TOPICS]
    assert buttons(result) == [
        ("Getting on with each other", "tp:tensions"),
        ("Belonging and each other's cultures", "tp:culture"),
        ("✅ " + wording.TOPICS_EVERYTHING, "tp:*"),
    ]


def test_a_topic_button_ticks_and_unticks_and_everything_clears_the_choice():
    backend, state, dialogue = Following(subscribed=True), ChatState(welcomed=True), Dialogue(LINKS)
    ticked = backend.play(dialogue.button(WHO, WHO, state, "tp:culture"))
    assert backend.topics == ["culture"]
    assert ticked.notice == wording.TOPICS_SAVED
    assert ticked.replies[0].replace  # the same message is redrawn with its ticks
    assert ("✅ Belonging and each other's cultures", "tp:culture") in buttons(ticked)
    backend.play(dialogue.button(WHO, WHO, state, "tp:tensions"))
    assert backend.topics == ["tensions", "culture"]  # kept in the strategy's order
    backend.play(dialogue.button(WHO, WHO, state, "tp:culture"))
    assert backend.topics == ["tensions"]
    everything = backend.play(dialogue.button(WHO, WHO, state, "tp:*"))
    assert backend.topics == []
    assert everything.notice == wording.TOPICS_SAVED_ALL


def test_topics_typed_in_polish_show_the_choice_in_polish():
    backend, state = Following(subscribed=True, topics=["tensions"]), ChatState(welcomed=True)
    result = backend.play(Dialogue(LINKS).text(WHO, WHO, state, "moje tematy", hint="pl"))
    assert said(result) == [wording.text("ASK_TOPICS", "pl")]
    assert buttons(result)[0] == ("✅ Dobre relacje między ludźmi", "tp:tensions")
    # No Polish words for a topic: its English ones, not a blank button.
    assert buttons(result)[1] == ("Belonging and each other's cultures", "tp:culture")


def test_topics_without_messages_on_offer_to_turn_them_on_and_change_nothing():
    backend, state = Following(subscribed=False), ChatState(welcomed=True)
    for turn in (
        Dialogue(LINKS).command(WHO, WHO, state, "topics"),
        Dialogue(LINKS).button(WHO, WHO, state, "tp:culture"),
    ):
        result = backend.play(turn)
        assert said(result) == [wording.TOPICS_NEED_UPDATES]
        assert [d for _, d in buttons(result)] == ["up:1", "up:0"]
    assert not any(isinstance(r, ask.FollowTopics) for r in backend.asked)


def test_a_topic_button_for_a_topic_that_is_gone_says_it_is_out_of_date():
    backend, state = Following(subscribed=True), ChatState(welcomed=True)
    result = backend.play(Dialogue(LINKS).button(WHO, WHO, state, "tp:retired"))
    assert said(result) == [wording.STALE_BUTTON]
    assert not any(isinstance(r, ask.FollowTopics) for r in backend.asked)

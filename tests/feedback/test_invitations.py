"""Invitations: only the chosen audience, exactly once each, never someone who answered,
stopped or reached the weekly cap; words in each language with how to stop; refusals in
one sentence; ``youthvoice invite``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consultations import services
from consultations.db import db
from consultations.errors import DomainError
from feedback import invitations, subscriptions
from feedback.invitations import Audience, Links
from feedback.models import Invitation, InvitationStatus, OutboxMessage
from tests.helpers import make_consultation, now

KEY = b"test-pseudonym-key"
LINKS = Links(web="http://testserver/c/the-park", telegram="https://t.me/fake_test_bot?start=c_x")
EASY = "Tell us what you think about the park. It takes two minutes."


def _person(name: str, *, area=None, age_band=None, language=None, channel="telegram"):  # type: ignore[no-untyped-def]
    person = services.participant_for(channel, name, key=KEY)
    services.update_profile(person, area=area, age_band=age_band)
    if channel == "web":
        person.channel = "web"
        subscriptions.subscribe(
            person,
            address=f"https://fcm.googleapis.com/{name}",
            now=now(),
            language=language,
            push_keys='{"p256dh": "x", "auth": "y"}',
        )
    else:
        subscriptions.subscribe(
            person, address=f"9{abs(hash(name)) % 10**8}", now=now(), language=language
        )
    return person


@pytest.fixture
def town(app):  # type: ignore[no-untyped-def]
    """Opted-in young people in two areas, of two ages, in three languages and two channels."""
    people = {
        "hanley_15": _person("hanley_15", area="Hanley", age_band="14-15"),
        "hanley_17_pl": _person("hanley_17_pl", area="Hanley", age_band="16-17", language="pl"),
        "hanley_web_ur": _person(
            "hanley_web_ur", area="Hanley", age_band="14-15", language="ur", channel="web"
        ),
        "burslem_15": _person("burslem_15", area="Burslem", age_band="14-15"),
        "no_area": _person("no_area"),
    }
    stopped = _person("stopped", area="Hanley")
    subscriptions.unsubscribe(stopped, now=now())
    services.participant_for("telegram", "never_opted_in", key=KEY).area = "st1"
    db.session.commit()
    return people


def _invite(consultation, audience: Audience, **kw):  # type: ignore[no-untyped-def]
    invitation = invitations.create_invitation(
        None, consultation, texts=kw.pop("texts", {"en": EASY}), audience=audience, now=now(), **kw
    )
    written = invitations.queue_invitation(invitation, now=now(), links=lambda c: LINKS)
    db.session.commit()
    return invitation, written


def _invited() -> dict[int, OutboxMessage]:
    return {m.participant_id: m for m in db.session.scalars(select(OutboxMessage))}


def test_only_the_chosen_audience_is_invited_and_each_person_once(town):
    consultation = make_consultation()
    hanley = Audience(areas=("Hanley",))
    count = invitations.count_audience(consultation, hanley, now=now(), per_week=2)
    assert count.total == 3 and count.by_channel == {"telegram": 2, "web": 1}
    invitation, written = _invite(consultation, hanley)
    assert written == 3 and invitation.audience == 3 and invitation.queued == 3
    assert invitation.status is InvitationStatus.QUEUED
    assert set(_invited()) == {town[n].id for n in ("hanley_15", "hanley_17_pl", "hanley_web_ur")}

    # Queueing again, or a wider invitation later, never writes a second one for anyone.
    assert invitations.queue_invitation(invitation, now=now(), links=lambda c: LINKS) == 0
    _, wider = _invite(consultation, Audience())
    assert wider == 2  # Burslem and the one with no area; Hanley already has theirs
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 5
    with pytest.raises(DomainError, match="Nobody matches this audience"):
        _invite(consultation, Audience())


def test_age_band_language_and_channel_narrow_it_and_those_who_answered_are_left_out(town):
    consultation = make_consultation()
    q = consultation.questions[0]
    services.submit_answers(
        consultation,
        town["hanley_15"],
        [services.AnswerInput(q.id, option_ids=[q.options[0].id])],
        channel="telegram",
        now=now(),
    )
    db.session.commit()
    teens = Audience(age_bands=("14-15",))
    assert invitations.count_audience(consultation, teens, now=now(), per_week=2).total == 2
    _, written = _invite(consultation, Audience(age_bands=("14-15",), channels=("telegram",)))
    assert written == 1 and set(_invited()) == {town["burslem_15"].id}
    other = make_consultation()
    _, polish = _invite(other, Audience(languages=("pl",)))
    assert polish == 1


def test_the_weekly_cap_leaves_people_out_and_says_how_many(town):
    first, second, third = make_consultation(), make_consultation(), make_consultation()
    _invite(first, Audience(areas=("Hanley",)))
    _invite(second, Audience(areas=("Hanley", "Burslem")))
    count = invitations.count_audience(third, Audience(), now=now(), per_week=2)
    # Hanley's three have had two this week; Burslem's one and the one with no area have not.
    assert count.capped == 3 and count.total == 2
    _, written = _invite(third, Audience())
    assert written == 2
    # A week on, they can be invited again.
    later = now() + timedelta(days=8)
    assert (
        invitations.count_audience(make_consultation(), Audience(), now=later, per_week=2).capped
        == 0
    )


def test_each_invitation_is_in_the_persons_language_says_how_to_stop_and_opens_it(town):
    consultation = make_consultation()
    texts = {"en": EASY, "pl": "Powiedz nam, co myślisz o parku."}
    _invite(consultation, Audience(areas=("Hanley",)), texts=texts)
    sent = _invited()
    english = sent[town["hanley_15"].id]
    assert english.text.startswith(EASY) and "Send /stop." in english.text
    assert english.kind == "invitation" and english.link == LINKS.telegram
    assert english.button == "Have your say"
    polish = sent[town["hanley_17_pl"].id]
    assert polish.text.startswith("Powiedz nam, co myślisz o parku.")
    assert "/stop" in polish.text and "Send /stop." not in polish.text
    assert polish.button and polish.button != "Have your say"
    web = sent[town["hanley_web_ur"].id]
    # No Urdu text was written, so the English words go with an Urdu frame.
    assert web.text.startswith(EASY) and web.link == LINKS.web and web.button is None
    assert "/stop" not in web.text


@pytest.mark.parametrize(
    ("setup", "kw", "words"),
    [
        ("closed", {}, "not open, so nobody can be invited"),
        ("open", {"texts": {"en": ""}}, "Write the invitation"),
        (
            "open",
            {
                "texts": {
                    "en": "Stakeholder engagement facilitates the operationalisation of "
                    "multi-agency strategic commissioning frameworks across the locality."
                }
            },
            "reading age",
        ),
        ("open", {"send_at": "past"}, "that one has passed"),
        ("open", {"audience": Audience(areas=("Nowhere",))}, "is not an area on the list"),
        ("open", {"audience": Audience(age_bands=("22-25",))}, "Nobody matches this audience"),
        ("open", {"audience": Audience(age_bands=("99",))}, "is not an age band"),
    ],
)
def test_a_bad_invitation_is_refused_in_one_sentence(town, setup, kw, words):
    kw = dict(kw)  # the parameters are shared by every engine's run
    consultation = make_consultation(open_it=setup == "open")
    if kw.get("send_at") == "past":
        kw["send_at"] = now() - timedelta(hours=1)
    audience = kw.pop("audience", Audience())
    with pytest.raises(DomainError, match=words) as refused:
        invitations.create_invitation(
            None,
            consultation,
            texts=kw.pop("texts", {"en": EASY}),
            audience=audience,
            now=now(),
            **kw,
        )
    assert refused.value.detail.count(". ") <= 1
    assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_an_invitation_for_later_waits_until_its_time(town):
    consultation = make_consultation()
    at = now() + timedelta(hours=3)
    invitation = invitations.create_invitation(
        None, consultation, texts={"en": EASY}, audience=Audience(), now=now(), send_at=at
    )
    db.session.commit()
    assert invitations.due_invitations(now()) == []
    assert invitations.due_invitations(at) == [invitation]
    assert invitations.queue_invitation(invitation, now=at, links=lambda c: LINKS) == 5


def test_youthvoice_invite_prints_the_audience_and_never_sends_twice(app, town):
    consultation = make_consultation()
    db.session.commit()
    runner = app.test_cli_runner()
    args = ["invite", consultation.slug, "--area", "Hanley", "--text", EASY]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Audience: 3 young people (2 on Telegram, 1 by browser notification)." in dry.output
    assert "Dry run: nothing was queued." in dry.output
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert db.session.scalar(select(func.count(Invitation.id))) == 0

    sent = runner.invoke(args=args)
    assert sent.exit_code == 0 and "Queued 3 invitations." in sent.output
    again = runner.invoke(args=args)
    assert again.exit_code == 1 and "Nobody matches this audience" in again.output
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3

    later = runner.invoke(
        args=["invite", consultation.slug, "--text", EASY, "--at", "2000-01-01 10:00"]
    )
    assert later.exit_code == 1 and "that one has passed" in later.output
    bad = runner.invoke(args=["invite", consultation.slug, "--text", EASY, "--at", "tomorrow"])
    assert bad.exit_code == 2 and "like 2026-12-04 16:00" in bad.output


def test_the_staff_page_shows_the_audience_before_sending_and_keeps_what_was_typed(
    app, client, town
):
    from consultations.staff_models import Role
    from tests.staff.support import make_user, post, sign_in, text_of

    consultation = make_consultation()
    db.session.commit()
    assert sign_in(client, make_user(Role.YOUTH_WORKER)).status_code == 303
    path = f"/staff/consultations/{consultation.id}/invite"
    form = text_of(client.get(path))
    assert "Check who it reaches" in form and "ST1" in form and "Meir North" in form
    data = {"text_en": EASY, "areas": "st1"}
    check = post(client, path, data, page=path)
    shown = text_of(check)
    assert check.status_code == 200
    # Typed as "Hanley", kept as the list's ST1: one place, one count.
    assert "3 young people will get it (in ST1)" in shown
    assert "2 on Telegram" in shown and "1 by browser notification" in shown
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0

    sent = post(client, path, {**data, "confirmed": "yes"}, page=path)
    assert sent.status_code == 303
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3
    assert "Queued 3 invitations." in text_of(client.get(path))

    hard = "Stakeholder engagement facilitates the operationalisation of multi-agency frameworks."
    refused = post(client, path, {"text_en": hard, "areas": "st6"}, page=path)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "reading age" in page and hard in page
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3


def test_each_invitation_counts_who_it_reached_and_hides_small_numbers_below_officer(
    app, client, town
):
    from consultations.staff_models import Role
    from feedback import outbox, reach
    from tests.staff.support import make_user, sign_in, text_of

    consultation = make_consultation()
    _, written = _invite(consultation, Audience(channels=("telegram",)))
    assert written == 4
    leased = outbox.lease("telegram", now=now(), limit=10)
    outcomes = ["sent", "sent", "sent", "blocked"]
    for message, outcome in zip(leased, outcomes, strict=True):
        outbox.acknowledge(message.id, lease_token=message.lease_token, outcome=outcome, now=now())
    first, *_, last = consultation.questions
    day = services.AnswerInput(first.id, option_ids=[first.options[0].id])
    services.submit_answers(consultation, town["burslem_15"], [day], channel="telegram", now=now())
    services.submit_answers(consultation, town["no_area"], [day], channel="telegram", now=now())
    services.submit_answers(
        consultation,
        town["no_area"],
        [services.AnswerInput(last.id, text="Skate park")],
        channel="telegram",
        now=now(),
    )
    db.session.commit()
    (counted,) = reach.invitation_reach(consultation)
    assert (counted.queued, counted.sent, counted.failed_or_blocked, counted.waiting) == (
        4,
        3,
        1,
        0,
    )
    assert (counted.started, counted.finished) == (2, 1)

    path = f"/staff/consultations/{consultation.id}/invite"
    assert sign_in(client, make_user(Role.OFFICER)).status_code == 303
    officer = text_of(client.get(path))
    assert "Did it work?" in officer and "fewer than" not in officer
    client.post("/staff/logout")
    worker = app.test_client()
    assert sign_in(worker, make_user(Role.YOUTH_WORKER)).status_code == 303
    shown = text_of(worker.get(path))
    assert "fewer than 5" in shown


def test_invitations_by_topic_reach_followers_and_those_who_chose_no_topic(app, client):
    """Following no topic means hearing about every topic, so nobody who opted in before
    topics existed is silently cut off; following others leaves you out."""
    from consultations.staff_models import Role
    from tests.staff.support import make_user, post, sign_in, text_of

    people = {name: _person(name, area="ST4") for name in ("tensions", "culture", "both", "none")}
    subscriptions.follow_topics(people["tensions"], ["tensions"])
    subscriptions.follow_topics(people["culture"], ["culture"])
    subscriptions.follow_topics(people["both"], ["culture", "tensions"])
    consultation = make_consultation()
    db.session.commit()

    runner = app.test_cli_runner()
    args = ["invite", consultation.slug, "--text", EASY]
    dry = runner.invoke(args=[*args, "--topic", "tensions", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Audience: 3 young people (3 on Telegram)." in dry.output
    either = runner.invoke(args=[*args, "--topic", "tensions,culture", "--dry-run"])
    assert "Audience: 4 young people" in either.output
    unknown = runner.invoke(args=[*args, "--topic", "parks"])
    assert unknown.exit_code == 2
    assert "“parks” is not a topic: use tensions, disadvantage, communication" in unknown.output
    assert db.session.scalar(select(func.count(Invitation.id))) == 0

    # The staff form offers the same choice and counts it before anything is sent.
    assert sign_in(client, make_user(Role.OFFICER)).status_code == 303
    path = f"/staff/consultations/{consultation.id}/invite"
    assert "Tackling tensions" in text_of(client.get(path))
    check = post(client, path, {"text_en": EASY, "topics": "culture"}, page=path)
    assert check.status_code == 200
    assert "3 young people will get it (following culture)" in text_of(check)
    sent = post(client, path, {"text_en": EASY, "topics": "culture", "confirmed": "yes"}, page=path)
    assert sent.status_code == 303
    invited = set(db.session.scalars(select(OutboxMessage.participant_id)))
    assert invited == {people[n].id for n in ("culture", "both", "none")}
    assert db.session.scalar(select(Invitation.topics)) == '["culture"]'


def test_stopping_forgets_the_topics_so_a_topic_invitation_counts_them_as_gone(app):
    person = _person("leaver", area="Hanley")
    subscriptions.follow_topics(person, ["tensions"])
    consultation = make_consultation()
    db.session.commit()
    tensions = Audience(topics=("tensions",))
    assert invitations.count_audience(consultation, tensions, now=now(), per_week=2).total == 1
    subscriptions.unsubscribe(person, now=now())
    db.session.commit()
    assert subscriptions.followed_topics(person) == []
    assert invitations.count_audience(consultation, tensions, now=now(), per_week=2).total == 0

"""The forum as young people's own space: signing in on the forum's page, a picker and
errors that work on a phone, and a short discussion under each recommendation."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from consultations.db import db
from consultations.moderation.models import SafeguardingConcern
from consultations.staff_models import Role
from feedback import forum, outcomes
from feedback.loop_models import RecommendationComment
from tests.feedback.support import closed_consultation
from tests.helpers import csrf_token, now
from tests.staff.support import PASSWORD, make_user, page, post, sign_in, text_of


def _forum_sign_in(client, user, password: str = PASSWORD, next_: str = ""):  # type: ignore[no-untyped-def]
    path = "/forum/sign-in" + (f"?next={next_}" if next_ else "")
    html = page(client, path)
    return client.post(
        path, data={"csrf_token": csrf_token(html), "email": user.email, "password": password}
    )


def test_a_forum_member_signs_in_on_the_forums_page_and_lands_in_the_forum(client):
    member = make_user(Role.FORUM_MEMBER)
    assert client.get("/forum/tracker").location == "/forum/sign-in?next=/forum/tracker"
    html = page(client, "/forum/sign-in")
    assert "Sign in to the youth forum" in html and "novalidate" in html
    assert "staff" not in text_of_html(html.split("<main", 1)[0]).lower(), "no staff branding"
    signed = _forum_sign_in(client, member)
    assert signed.status_code == 303 and signed.location == "/forum/"
    home = page(client, "/forum/")
    header = home.split("<header", 1)[1].split("</header>", 1)[0]
    assert "Youth forum" in header and "staff" not in text_of_html(header).lower()
    assert "/staff/" not in header.replace('action="/staff/logout"', ""), "no console links"
    # Signing out from the forum goes back to the forum's sign-in.
    out = client.post("/staff/logout", data={"csrf_token": csrf_token(home), "from": "forum"})
    assert out.location == "/forum/sign-in"


def test_the_forum_sign_in_uses_the_same_checks_as_the_console(client):
    member = make_user(Role.FORUM_MEMBER)
    wrong = _forum_sign_in(client, member, "not the password")
    assert wrong.status_code == 401
    assert "That email and password do not match an account." in text_of(wrong)
    assert 'value="not the password"' not in wrong.get_data(as_text=True)
    empty = client.post(
        "/forum/sign-in", data={"csrf_token": csrf_token(page(client, "/forum/sign-in"))}
    )
    assert empty.status_code == 422
    html = empty.get_data(as_text=True)
    assert 'id="error-summary"' in html and 'href="#email"' in html and "Give your email." in html
    # A forum member signing in on the console's page lands in the forum too.
    other = client.application.test_client()
    assert sign_in(other, member).location == "/forum/"
    # The next page asked for, but only inside the site.
    third = client.application.test_client()
    assert _forum_sign_in(third, member, next_="/forum/tracker").location == "/forum/tracker"
    fourth = client.application.test_client()
    assert _forum_sign_in(fourth, member, next_="https://evil.example/").location == "/forum/"


def test_the_forum_sign_in_speaks_the_readers_language(client):
    html = client.get("/forum/sign-in", headers={"Accept-Language": "ur"}).get_data(as_text=True)
    assert 'dir="rtl"' in html and "یوتھ فورم میں سائن ان کریں" in html


def _member_with_recommendation(client):  # type: ignore[no-untyped-def]
    closed = closed_consultation(subscribed=1, stopped=0, forgotten=0, silent=1).consultation
    member = make_user(Role.FORUM_MEMBER)
    rec = forum.draft_recommendation(
        member,
        title="Open on Fridays",
        body="Friday clubs.",
        consultation_ids=[closed.id],
        now=now(),
    )
    db.session.commit()
    sign_in(client, member)
    return member, rec, closed


def test_the_consultation_picker_is_tick_boxes_and_errors_come_as_a_summary(client):
    _, _, closed = _member_with_recommendation(client)
    html = page(client, "/forum/recommendations/new")
    assert "<select" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Hold Ctrl" not in html
    assert f'type="checkbox" value="{closed.id}"' in html
    assert re.search(r'<form method="post" novalidate>', html)
    refused = post(
        client, "/forum/recommendations/new", {"title": "Buses"}, page="/forum/recommendations/new"
    )
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'id="error-summary"' in body and "autofocus" in body
    assert 'href="#body"' in body and 'href="#consultations-0"' in body
    assert 'value="Buses"' in body, "what was typed is kept"


def test_forum_tables_keep_their_labels_on_a_phone(client):
    _member_with_recommendation(client)
    for path in ("/forum/", "/forum/recommendations"):
        html = page(client, path)
        assert 'class="list stack"' in html and 'data-label="Status"' in html, path


def test_the_tracker_says_how_late_feedback_and_promises_are(client):
    closed = closed_consultation(subscribed=1, stopped=0, forgotten=0, silent=1).consultation
    closed.feedback_due = (now() - timedelta(days=3)).date()
    officer = make_user(Role.OFFICER)
    item = outcomes.add_we_did(
        officer, closed, action="Open on Fridays", partner="Youth Service", now=now()
    )
    item.due_date = (now() - timedelta(days=1)).date()
    db.session.commit()
    sign_in(client, make_user(Role.FORUM_MEMBER))
    text = text_of(client.get("/forum/tracker"))
    assert "Feedback is 3 days late" in text
    assert "1 day late" in text


def test_forum_members_talk_a_recommendation_over_under_names_not_addresses(client):
    member, rec, _ = _member_with_recommendation(client)
    url = f"/forum/recommendations/{rec.id}"
    sent = post(client, f"{url}/comments", {"body": "Yes, and Saturdays too."}, page=url)
    assert sent.status_code == 303 and sent.location.endswith("#discussion")
    other = client.application.test_client()
    second = make_user(Role.FORUM_MEMBER)
    sign_in(other, second)
    post(other, f"{url}/comments", {"body": "Fridays suit me."}, page=url)
    post(client, f"{url}/comments", {"body": "Agreed."}, page=url)
    thread = page(other, url)
    assert member.email not in thread and second.email not in thread.split("<main", 1)[1]
    shown = text_of_html(thread.split('id="discussion"', 1)[1])
    assert "Forum member 1" in shown and "Forum member 2" in shown
    assert shown.index("Saturdays") < shown.index("Fridays suit") < shown.index("Agreed.")


def test_a_comment_is_moderated_like_any_written_text(client):
    _, rec, _ = _member_with_recommendation(client)
    url = f"/forum/recommendations/{rec.id}"
    for typed, says in (
        ("", "Write your comment."),
        ("x" * 501, "Keep a comment under 500 characters."),
        ("Ring me on 07700 900123", "Take out personal details"),
        ("This is fucking stupid", "Say it without rude or hurtful words"),
    ):
        refused = post(client, f"{url}/comments", {"body": typed}, page=url)
        assert refused.status_code == 422, typed
        assert says in text_of(refused), typed
        if typed:
            assert typed[:20] in refused.get_data(as_text=True), "kept to change it"
    assert db.session.scalar(select(RecommendationComment.id)) is None


def test_a_disclosure_in_a_comment_is_kept_out_of_the_thread_and_gets_help(client):
    _, rec, _ = _member_with_recommendation(client)
    url = f"/forum/recommendations/{rec.id}"
    sent = post(client, f"{url}/comments", {"body": "my dad hits me when I go"}, page=url)
    assert sent.status_code == 303
    after = client.get(sent.location)
    assert "Help is here if you need it" in text_of(after)
    assert "dad hits" not in after.get_data(as_text=True)
    concern = db.session.scalar(select(SafeguardingConcern))
    assert concern is not None and concern.channel == "forum"


def test_only_forum_members_post_comments(client):
    _, rec, _ = _member_with_recommendation(client)
    officer = client.application.test_client()
    sign_in(officer, make_user(Role.OFFICER))
    url = f"/forum/recommendations/{rec.id}"
    assert "Post my comment" not in page(officer, url)
    assert post(officer, f"{url}/comments", {"body": "Hello"}, page=url).status_code == 403


def text_of_html(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())

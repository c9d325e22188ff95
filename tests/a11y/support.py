"""axe-core in a real Chromium, and the demo-like data the accessibility checks run against."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from consultations import polls, translations
from consultations.db import db
from consultations.models import Consultation
from consultations.staff_models import Role, User
from feedback import forum, outcomes
from feedback.loop_models import Recommendation
from tests.feedback.support import closed_consultation
from tests.helpers import make_consultation, now
from tests.staff.support import PASSWORD, make_user

# axe-core 4.10 from the npm registry (MPL-2.0, licence beside it), vendored so that the
# checks need no network at test time.
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Every WCAG A/AA violation axe finds on the page, one readable line per element."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated rather than added as a <script>: the page's CSP refuses inline script.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    lines = []
    for violation in result["violations"]:
        for node in violation["nodes"]:
            lines.append(
                f"{violation['id']}: {node['target']} {node.get('failureSummary', '')[:200]}"
            )
    return lines


def sign_in_page(page, base: str, user: User, then: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/staff/login?next={then}")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@dataclass
class Demo:
    open: Consultation
    closed: Consultation
    poll: Consultation
    officer: User
    worker: User
    member: User
    admin: User
    recommendation: Recommendation


def demo_data() -> Demo:
    """An open consultation, a closed one with published feedback, a live poll, a forum."""
    open_one = make_consultation()
    officer = make_user(Role.OFFICER)
    worker = make_user(Role.YOUTH_WORKER)
    member = make_user(Role.FORUM_MEMBER)
    admin = make_user(Role.ADMIN)
    closed = closed_consultation(subscribed=3, stopped=0, forgotten=0, silent=3).consultation
    outcomes.save_you_said(officer, closed, "You want a youth club open on Fridays.", now=now())
    outcomes.add_we_did(
        officer, closed, action="Open the club on Fridays", partner="Youth Service", now=now()
    )
    outcomes.publish_feedback(officer, closed, now=now(), link="http://x/you-said-we-did")
    poll = polls.create_poll(worker, "Where shall we go?", ["Bowling", "Cinema"], now=now())
    # A Polish translation in part, so the translation pages show a status, a form with
    # words in it and a deletion to confirm.
    day = open_one.questions[0]
    translations.save_translation(
        open_one,
        "pl",
        youth_title="Powiedz, co myślisz",
        youth_summary="Rada chce otworzyć nowy klub młodzieżowy.",
        questions={day.id: {"prompt": "Który dzień jest najlepszy?"}},
        now=now(),
        actor=officer,
    )
    rec = forum.draft_recommendation(
        member,
        title="Open on Fridays",
        body="Young people asked for Friday clubs.",
        consultation_ids=[closed.id],
        now=now(),
    )
    db.session.commit()
    return Demo(open_one, closed, poll, officer, worker, member, admin, rec)


def youth_paths(demo: Demo) -> list[str]:
    """Every youth page, for the checks that go over them all (axe, zoom, page weight)."""
    return [
        "/",
        f"/c/{demo.open.slug}",
        # Closed, with its "you said, we did" linked from it.
        f"/c/{demo.closed.slug}",
        "/privacy",
        "/privacy/full",
        "/my-data",
        "/forget-me",
        "/you-said-we-did",
        f"/you-said-we-did/{demo.closed.slug}",
        f"/p/{demo.poll.join_code}",
        # The box to type a poll code in, and what a wrong code gets.
        "/p",
        "/p?poll=nope+42",
        "/chat",
        "/no-such-page",
    ]

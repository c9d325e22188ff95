"""Officers and moderators at work, in a real Chromium: refusals keep the text, actions that
message people ask first, and long queues are worked with the keyboard alone."""

from __future__ import annotations

from consultations import services
from consultations.db import db
from consultations.models import Consultation, ConsultationStatus, QuestionKind
from consultations.moderation.models import AnswerModeration, ModerationStatus
from consultations.staff_models import Role
from feedback import subscriptions
from tests.a11y.support import axe_violations, sign_in_page
from tests.helpers import make_consultation, now
from tests.staff.support import make_user

HARD = (
    "The Local Strategic Partnership will facilitate the comprehensive implementation of "
    "multi-agency interventions, ensuring sustainable neighbourhood regeneration outcomes."
)
FOCUSED_TEXT = "() => document.activeElement.textContent.trim()"


def _answers(consultation: Consultation, n: int, *, opted_in: bool = False) -> None:
    q, free = consultation.questions[0], consultation.questions[-1]
    for i in range(n):
        person = services.participant_for("telegram", f"p{i}", key=b"test-pseudonym-key")
        services.submit_answers(
            consultation,
            person,
            [
                services.AnswerInput(q.id, option_ids=[q.options[0].id]),
                services.AnswerInput(free.id, text=f"Written answer number {i}"),
            ],
            channel="telegram",
            now=now(),
        )
        if opted_in:
            subscriptions.subscribe(person, address=str(9000 + i), now=now())
    db.session.commit()


def test_a_refused_publish_keeps_the_text_and_saving_from_there_works(app, live_server, page):
    from playwright.sync_api import expect

    draft = make_consultation(youth_summary=HARD, open_it=False)
    officer = make_user(Role.OFFICER)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_page(page, live_server, officer, f"/staff/consultations/{draft.id}")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Not published: the text is too hard to read")).to_be_visible()
    expect(page.get_by_label("Title (for staff)")).to_have_value(draft.title)
    expect(page.get_by_label("Rewrite for young people (Markdown)")).to_have_value(HARD)
    expect(page.locator("[data-readability] [data-field=passes]")).to_have_text("too hard")
    expect(page.locator("[data-readability] mark").first).to_contain_text("The Local Strategic")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    db.session.refresh(draft)
    assert draft.youth_summary == HARD and draft.status is ConsultationStatus.DRAFT


def test_close_now_asks_first_and_says_who_will_hear(app, live_server, page):
    from playwright.sync_api import expect

    c = make_consultation()
    _answers(c, 3, opted_in=True)
    officer = make_user(Role.OFFICER)
    sign_in_page(page, live_server, officer, f"/staff/consultations/{c.id}")
    page.get_by_role("link", name="Close now…").click()
    expect(page.get_by_text("3 young people will get a message")).to_be_visible()
    expect(page.get_by_text("3 on Telegram")).to_be_visible()
    assert axe_violations(page) == []
    db.session.refresh(c)
    assert c.status is ConsultationStatus.OPEN
    page.get_by_role("button", name="Close now and tell 3 people").click()
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()
    db.session.refresh(c)
    assert c.status is ConsultationStatus.CLOSED


def _status(answer_id: int) -> ModerationStatus:
    db.session.expire_all()
    record = db.session.query(AnswerModeration).filter_by(answer_id=answer_id).one()
    return record.status


def test_a_moderator_approves_undoes_and_approves_together_with_the_keyboard_alone(
    app, live_server, page
):
    from playwright.sync_api import expect

    c = make_consultation()
    _answers(c, 30)
    moderator = make_user(Role.OFFICER)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_page(page, live_server, moderator, "/staff/moderation?page=2")
    expect(page.locator("li.queue-item")).to_have_count(5)
    page.goto(f"{live_server}/staff/moderation")
    tenth = page.locator("li.queue-item").nth(9)
    answer_id = int(tenth.get_attribute("id").removeprefix("answer-"))
    # Keyboard only: focus the tenth answer's Approve button and press Enter.
    tenth.get_by_role("button", name="Approve answer 10").focus()
    page.keyboard.press("Enter")
    done = page.locator(f"#answer-{answer_id} .done")
    expect(done).to_contain_text("Approved by you.")
    # In place: the page did not jump to the top; focus is on the answer just decided.
    assert page.evaluate("window.scrollY") > 0
    assert page.evaluate("document.activeElement.id") == f"answer-{answer_id}"
    assert _status(answer_id) is ModerationStatus.APPROVED
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_TEXT).startswith("Undo")
    page.keyboard.press("Enter")
    expect(page.locator(f"#answer-{answer_id} .done")).to_have_count(0)
    assert _status(answer_id) is ModerationStatus.PENDING

    # Tick two answers with Space, then approve them together after the confirmation.
    page.goto(f"{live_server}/staff/moderation")
    ticks = page.get_by_label("to approve with others")
    for n in (0, 1):
        ticks.nth(n).focus()
        page.keyboard.press("Space")
    page.get_by_role("button", name="Approve the ticked answers…").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Approve 2 answers?")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Approve 2 answers").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("2 answers approved.")).to_be_visible()
    assert axe_violations(page) == []
    approved = db.session.query(AnswerModeration).filter_by(status=ModerationStatus.APPROVED)
    assert approved.count() == 2


def test_an_officer_tags_in_place_and_tags_ticked_answers_after_a_confirmation(
    app, live_server, page
):
    from playwright.sync_api import expect

    c = make_consultation()
    _answers(c, 30)
    officer = make_user(Role.OFFICER)
    free = c.questions[-1]
    sign_in_page(page, live_server, officer, f"/staff/questions/{free.id}/answers")
    assert axe_violations(page) == []
    third = page.locator("ol.text-answers > li").nth(2)
    third.scroll_into_view_if_needed()
    place = third.get_attribute("id")
    third.get_by_label("Tag for answer 3").fill("Buses")
    third.get_by_label("Tag for answer 3").press("Enter")
    expect(page.locator(f"#{place} .tag")).to_contain_text("Buses")
    assert page.evaluate("window.scrollY") > 0
    expect(page.locator("#themes")).to_contain_text("Buses")

    for n in (4, 5, 6):
        page.get_by_label(f"Tick answer {n}", exact=True).check()
    page.get_by_label("Tag the ticked answers as").fill("Evenings")
    page.get_by_role("button", name="Tag the ticked answers…").click()
    expect(page.get_by_role("heading", name="Tag 3 answers as “Evenings”?")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Tag 3 answers").click()
    expect(page.get_by_text("3 answers tagged.")).to_be_visible()
    expect(page.locator("#themes")).to_contain_text("Evenings")


def test_the_add_question_form_shows_only_the_fields_of_the_kind_chosen_by_keyboard(
    app, live_server, page
):
    draft = make_consultation(open_it=False)
    officer = make_user(Role.OFFICER)
    sign_in_page(page, live_server, officer, f"/staff/consultations/{draft.id}")
    page.get_by_text("Add a question").click()
    form = page.locator("details.add-question form")
    options = form.get_by_label("Options, one per line")
    low = form.get_by_label("Label for 1 (scale)")
    assert options.is_visible() and not low.is_visible()
    kind = form.get_by_label("Kind of answer")
    kind.focus()
    kind.select_option(QuestionKind.SCALE.value)
    assert low.is_visible() and not options.is_visible()
    assert not form.get_by_label("Longest answer in characters").is_visible()
    kind.select_option(QuestionKind.FREE_TEXT.value)
    assert form.get_by_label("Longest answer in characters").is_visible()
    assert not low.is_visible() and not options.is_visible()
    assert axe_violations(page) == []


def test_the_chat_preview_reads_right_to_left_in_urdu(app, live_server, page, tmp_path):
    from bot import wording

    officer = make_user(Role.OFFICER)
    draft = make_consultation(open_it=False)
    sign_in_page(page, live_server, officer, f"/staff/consultations/{draft.id}/preview?lang=ur")
    chat = page.locator(".chat-log")
    assert chat.get_attribute("dir") == "rtl" and chat.get_attribute("lang") == "ur"
    header = wording.text("QUESTION_HEADER", "ur").format(number=1, total=4)
    assert header in chat.inner_text()
    assert wording.text("START_ANSWERING", "ur") in chat.inner_text()
    # An English prompt in an Urdu message keeps its question mark at its end.
    prompt = chat.locator("span", has_text="Which day is best?")
    assert prompt.evaluate("e => getComputedStyle(e).direction") == "ltr"
    page.screenshot(path=str(tmp_path / "chat-preview-ur.png"), full_page=True)
    assert axe_violations(page) == []

"""The themes of a whole consultation, as an officer reaches and uses the page."""

from __future__ import annotations

import re

from consultations import consultation_themes
from consultations.staff_models import Role
from tests.helpers import make_consultation
from tests.staff.support import make_user, post, sign_in, text_of
from tests.themes.support import both_subjects_in_both_questions, two_question_consultation


def test_an_officer_goes_from_the_results_to_the_themes_of_every_written_answer(client):
    sign_in(client, make_user(Role.OFFICER))
    c = both_subjects_in_both_questions()[0]
    results_page = client.get(f"/staff/consultations/{c.id}/results").get_data(as_text=True)
    url = f"/staff/consultations/{c.id}/themes"
    assert re.search(rf'<a class="button" href="{url}" id="consultation-themes"', results_page)

    before = text_of(client.get(url))
    assert "2 free-text questions" in before and "Other (in no theme)" not in before
    found = post(client, f"{url}/find", page=url)
    assert found.status_code == 303 and found.location.endswith(f"{url}#themes")
    page = client.get(url)
    assert page.status_code == 200
    text = text_of(page)
    assert "From the questions" in text and "Other (in no theme):" in text
    assert "1. What would help?" in text and "2. What worries you?" in text
    # Each question a theme draws on links to that question's own answers page.
    for question in c.questions:
        assert f'href="/staff/questions/{question.id}/answers"' in page.get_data(as_text=True)
    assert "Age band:" in text and "Language:" in text


def test_the_page_speaks_polish_and_urdu(client):
    sign_in(client, make_user(Role.OFFICER))
    c = two_question_consultation()
    url = f"/staff/consultations/{c.id}/themes"
    polish = text_of(client.get(url, headers={"Accept-Language": "pl"}))
    urdu = text_of(client.get(url, headers={"Accept-Language": "ur"}))
    english = text_of(client.get(url, headers={"Accept-Language": "en"}))
    assert "Themes across the written answers" in english
    assert "Themes across the written answers" not in polish
    assert "Themes across the written answers" not in urdu
    assert polish != urdu
    page = client.get(url, headers={"Accept-Language": "ur"}).get_data(as_text=True)
    assert '<div lang="ur" dir="rtl">' in page
    # The English title inside the Urdu sentence keeps its own language and direction.
    assert '<bdi lang="en" dir="ltr">' in page and "&lt;bdi" not in page


def test_no_written_answers_and_no_free_text_question_say_why_not_a_500(client):
    sign_in(client, make_user(Role.OFFICER))
    empty = two_question_consultation()
    url = f"/staff/consultations/{empty.id}/themes"
    assert "no written answers" in text_of(client.get(url))
    found = post(client, f"{url}/find", page=url)
    assert found.status_code == 303
    assert "no written answers" in text_of(client.get(url))

    from consultations import services
    from consultations.models import QuestionKind

    choices = make_consultation(
        slug="choices-only",
        questions=[
            services.QuestionSpec(
                QuestionKind.SINGLE_CHOICE, "Which day is best?", options=["Monday", "Friday"]
            )
        ],
    )
    page = client.get(f"/staff/consultations/{choices.id}/themes")
    assert page.status_code == 200 and "no free-text question" in text_of(page)
    assert "/themes/find" not in page.get_data(as_text=True)
    assert "consultation-themes" not in client.get(
        f"/staff/consultations/{choices.id}/results"
    ).get_data(as_text=True)
    assert client.get("/staff/consultations/99999/themes").status_code == 404


def test_a_stale_form_is_refused_in_words_and_other_roles_are_kept_out(client):
    sign_in(client, make_user(Role.OFFICER))
    c = two_question_consultation()
    url = f"/staff/consultations/{c.id}/themes"
    stale = client.post(f"{url}/find", data={"csrf_token": "old"})
    assert stale.status_code == 400 and "Please go back and try again" in text_of(stale)
    assert consultation_themes.analysis_of(c) is None

    client.post("/staff/logout", data={})
    worker = client.application.test_client()
    sign_in(worker, make_user(Role.YOUTH_WORKER, email="worker@example.org"))
    assert worker.get(url).status_code == 403

"""The forum's results show the themes officers accepted, with counts, small ones hidden."""

from __future__ import annotations

import re
from html import unescape

from consultations.staff_models import Role
from tests.feedback.support import spoken_consultation
from tests.staff.support import make_user, sign_in, text_of


def _themes_table(response) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    html = response.get_data(as_text=True)
    table = re.search(r'<table class="counts" id="themes">(.*?)</table>', html, re.S)
    assert table, "no themes table"
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th><td>(\d+)</td></tr>", table.group(1))
    return [(unescape(re.sub(r"<[^>]+>", "", name)), n) for name, n in rows]


def test_the_forum_shows_accepted_themes_with_counts_and_hides_small_ones(app):
    spoken = spoken_consultation()
    client = app.test_client()
    sign_in(client, make_user(Role.FORUM_MEMBER))
    path = f"/forum/consultations/{spoken.consultation.id}/results"
    page = client.get(path)
    assert page.status_code == 200
    assert _themes_table(page) == [("Cheaper buses", "12"), ("Safe lighting", "7")]
    text = text_of(page)
    # Skate park (3 people) is under the threshold; Later opening (6) is hidden with it.
    assert "Skate park" not in text and "Later opening" not in text
    assert "2 smaller themes are not shown so that nobody can be picked out." in text

    polish = client.get(path, headers={"Accept-Language": "pl"})
    assert _themes_table(polish) == [("Cheaper buses", "12"), ("Safe lighting", "7")]
    polish_text = text_of(polish)
    assert "Tematy w odpowiedziach pisemnych" in polish_text
    assert "2 mniejsze tematy nie są pokazane, żeby nikogo nie dało się rozpoznać." in polish_text
    urdu = client.get(path, headers={"Accept-Language": "ur"}).get_data(as_text=True)
    assert "2 چھوٹے موضوعات نہیں دکھائے گئے" in urdu
    # The officer's English theme name keeps its own direction on the Urdu page.
    assert '<bdi lang="en" dir="ltr">Cheaper buses</bdi>' in urdu


def test_with_only_small_themes_or_none_the_forum_says_why(app):
    client = app.test_client()
    sign_in(client, make_user(Role.FORUM_MEMBER))
    few = spoken_consultation(people=4)
    text = text_of(client.get(f"/forum/consultations/{few.consultation.id}/results"))
    assert "No theme is shown, so that nobody can be picked out." in text
    # Not even how many: a count of themes among four people is about them.
    assert "Cheaper buses" not in text and "smaller theme" not in text
    untagged = spoken_consultation(themes=False)
    text = text_of(client.get(f"/forum/consultations/{untagged.consultation.id}/results"))
    assert "No written answers are grouped into themes yet." in text

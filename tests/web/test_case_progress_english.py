"""The applicant's progress (their case page and the public look-up) names the item, its phases
and its steps in the page's language: the catalogue's English names on English pages, the
Chinese ones on Chinese pages (issue 9 §4, "the English mode shows the catalogue's English
names wherever an item, phase or material is named")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.web.support import sign_in
from tests.web.test_workbench import act, body, open_case


def _progress(html: str) -> str:
    match = re.search(r'<section class="card" id="progress">.*?</section>', html, re.S)
    assert match, html
    return match.group(0)


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("en", ["Test item T-L2", "Handling", "Accept", "Review"], ["测试事项T-L2", "办理", "受理", "复核"]),
        ("zh-hans", ["测试事项T-L2", "办理", "受理", "复核"], ["Test item T-L2", "Handling"]),
    ],
)
def test_the_progress_names_the_item_phases_and_steps_in_the_pages_language(
    client, settings, engine, clerk, citizen, applicant, language, shown, hidden
):
    # given the citizen's case of T-L2, accepted and waiting for its review
    case = act(clerk, open_case(clerk, applicant, "T-L2"), "accept")
    # when the citizen opens it in the language chosen
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    sign_in(client, citizen)
    own = _progress(body(client.get(reverse("web:case", args=[case.number]))))
    # and anyone follows it with the number and the ID number's last six characters
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    looked_up = _progress(
        body(client.post(reverse("web:track"), {"number": case.number, "id_suffix": applicant.id_number[-6:]}))
    )
    # then both name the item, the phase, the steps and the current step in that language
    for html in (own, looked_up):
        for text in shown:
            assert text in html, (text, html)
        for text in hidden:
            assert text not in html, (text, html)

"""The registry's error pages — the house error page every app renders through
``registry.views.error_page`` — say what went wrong in both languages, Chinese first, whatever the
page's language (before: the page's language only, an English page had no Chinese and the other
way round): the 404 of a person not visible, the 403 of an account that may not search, the 422
of a mistyped number on the search page, and the notice an htmx request gets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.support import make_person, sign_in

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


def _both(page: str, zh: str, en: str) -> None:
    assert zh in page and en in page, page
    assert page.index(zh) < page.index(en)  # Chinese first


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_not_visible_is_a_404_in_both_languages(client, settings, other_district_clerk, district, language):
    person = make_person(district=district, name="张三")  # 江岸区: not the 武昌 clerk's
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = sign_in(client, other_district_clerk).get(reverse("registry:person", args=[person.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    _both(page, "未找到该参保人", "No such insured person")
    _both(page, "未找到", "Not found")  # the heading too


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_account_that_may_not_search_gets_a_403_in_both_languages(client, settings, citizen, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(citizen)
    response = client.get(reverse("registry:person_search"))
    assert response.status_code == 403
    _both(response.content.decode(), "您的账户不能查询参保人", "Your account may not look up insured persons")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_mistyped_number_on_the_search_page_is_told_in_both_languages(client, settings, clerk, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = sign_in(client, clerk).post(reverse("registry:person_search"), {"id_number": "12345"})
    assert response.status_code == 422
    page = response.content.decode()
    notice = page[page.index('class="notice error"') :]
    assert 'lang="zh-CN"' in notice and 'lang="en"' in notice
    assert notice.index('lang="zh-CN"') < notice.index('lang="en"')


def test_an_htmx_request_gets_the_notice_in_both_languages(client, other_district_clerk, district):
    person = make_person(district=district, name="张三")
    response = sign_in(client, other_district_clerk).get(
        reverse("registry:person", args=[person.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    _both(response.content.decode(), "未找到该参保人", "No such insured person")

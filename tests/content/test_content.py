"""Published content: what the public sees (published, inside its window) through the
selectors, the API and the pages; search by Chinese words; paging and refusals; the demo seed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shebao.content.models import Answer, JobNotice, Policy, Status
from shebao.content.rules import normalise, query_terms
from shebao.content.selectors import answers_search, jobs_list, policies_search, policy_get
from shebao.core.errors import NotFound

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = dt.timedelta(days=1)


def policy(title: str, **fields) -> Policy:
    values = {
        "issuer": "国务院",
        "effective_on": dt.date(2025, 1, 1),
        "body": "正文",
        "status": Status.PUBLISHED,
        "publish_at": NOW - DAY,
    }
    values.update(fields)
    return Policy.objects.create(title=title, **values)


def answer(question: str, **fields) -> Answer:
    values = {"answer": "解答", "status": Status.PUBLISHED, "publish_at": NOW - DAY}
    values.update(fields)
    return Answer.objects.create(question=question, **values)


def job(title: str, **fields) -> JobNotice:
    values = {
        "kind": JobNotice.Kind.JOB_FAIR,
        "body": "内容",
        "starts_on": dt.date(2026, 12, 10),
        "status": Status.PUBLISHED,
        "publish_at": NOW - DAY,
    }
    values.update(fields)
    return JobNotice.objects.create(title=title, **values)


@pytest.fixture
def window():
    """One policy of each state: shown, draft, withdrawn, not yet published, expired."""
    return {
        "shown": policy("关于实施渐进式延迟法定退休年龄的决定"),
        "draft": policy("草稿中的退休通知", status=Status.DRAFT),
        "withdrawn": policy("已撤回的退休通知", status=Status.WITHDRAWN),
        "future": policy("明天发布的退休通知", publish_at=NOW + DAY),
        "expired": policy("已过期的退休通知", expire_at=NOW - dt.timedelta(minutes=1)),
    }


# --- rules ------------------------------------------------------------------------------------


def test_normalise_folds_full_width_and_case():
    assert normalise("  国发〔２００５〕３８号  ＡＢＣ\tDef ") == "国发〔2005〕38号 abc def"
    assert query_terms("养老  转移 a b c d e f") == ["养老", "转移", "a", "b", "c"]


# --- selectors --------------------------------------------------------------------------------


def test_only_published_rows_inside_their_window_are_read(window):
    # when the public searches for 退休
    found = list(policies_search(query="退休"))
    # then only the published one in its window is there
    assert found == [window["shown"]]
    # and the others are not found one by one either
    for name in ("draft", "withdrawn", "future", "expired"):
        with pytest.raises(NotFound):
            policy_get(policy_id=window[name].pk)
    assert policy_get(policy_id=window["shown"].pk) == window["shown"]


def test_a_notice_appears_at_its_publish_time_and_goes_at_its_expiry():
    row = policy("定时发布的通知", publish_at=NOW + DAY, expire_at=NOW + 3 * DAY)
    assert list(policies_search(at=NOW)) == []
    assert list(policies_search(at=NOW + 2 * DAY)) == [row]
    assert list(policies_search(at=NOW + 3 * DAY)) == []  # expiry is exclusive


def test_search_finds_by_chinese_words_in_title_number_body_and_tags():
    law = policy("中华人民共和国社会保险法", number="主席令第35号", tags="五险,参保")
    decision = policy(
        "国务院关于完善企业职工基本养老保险制度的决定", number="国发〔2005〕38号", body="个人账户养老金按计发月数计发"
    )
    assert list(policies_search(query="养老")) == [decision]
    assert list(policies_search(query="社会保险")) == [law]
    assert list(policies_search(query="国发〔２００５〕")) == [decision]  # full-width digits typed on a phone
    assert list(policies_search(query="计发月数")) == [decision]  # in the body
    assert list(policies_search(query="五险")) == [law]  # a tag
    assert list(policies_search(query="养老 计发")) == [decision]  # every word must match
    assert list(policies_search(query="养老 失业")) == []


def test_the_search_text_follows_an_edit():
    row = policy("旧标题")
    row.title = "失业保险条例"
    row.save(update_fields=["title"])
    assert list(policies_search(query="失业")) == [row]
    assert list(policies_search(query="旧标题")) == []


def test_answers_search_is_the_knowledge_base_read():
    lost = answer("社保卡丢了怎么办？", keywords="挂失,补卡", category=Answer.Category.CARD)
    answer("失业保险金可以领多久？", category=Answer.Category.UNEMPLOYMENT)
    answer("草稿问题：挂失", status=Status.DRAFT)
    assert list(answers_search("挂失")) == [lost]
    assert list(answers_search("", category="card")) == [lost]


def test_jobs_by_kind_and_district_keep_city_wide_notices():
    fair = job("江岸区招聘会", district="江岸区")
    city = job("全市见习岗位", kind=JobNotice.Kind.VACANCY, district="")
    job("武昌区招聘会", district="武昌区")
    assert list(jobs_list(district="江岸区")) == [fair, city]
    assert list(jobs_list(kind="vacancy")) == [city]


# --- API --------------------------------------------------------------------------------------


def test_api_policies_show_only_the_visible_and_page(client, window):
    for n in range(3):
        policy(f"养老保险通知第{n}号", effective_on=dt.date(2024, 1, 1 + n))
    # when the app searches with a page of two
    body = client.get("/api/v1/app/policies", {"q": "通知", "limit": 2}).json()
    # then three visible notices match (the draft, withdrawn, future and expired ones do not), newest first
    assert body["total"] == 3 and body["limit"] == 2 and body["offset"] == 0
    assert [p["title"] for p in body["items"]] == ["养老保险通知第2号", "养老保险通知第1号"]
    assert body["items"][0]["page_url"].startswith("/policies/")
    second = client.get("/api/v1/app/policies", {"q": "通知", "limit": 2, "offset": 2}).json()
    assert [p["title"] for p in second["items"]] == ["养老保险通知第0号"]
    hidden = client.get("/api/v1/app/policies", {"q": "退休"}).json()
    assert [p["title"] for p in hidden["items"]] == ["关于实施渐进式延迟法定退休年龄的决定"]


def test_api_qa_and_jobs_answer_without_a_token(client):
    answer("延迟退休后什么时候退休？", keywords="退休年龄")
    job("养老护理员培训", kind=JobNotice.Kind.TRAINING, district="洪山区")
    job("已下线的招聘会", expire_at=NOW - DAY)
    qa = client.get("/api/v1/app/qa", {"q": "退休年龄"}).json()
    assert [a["question"] for a in qa["items"]] == ["延迟退休后什么时候退休？"]
    assert qa["items"][0]["keywords"] == ["退休年龄"]
    jobs = client.get("/api/v1/app/jobs", {"kind": "training", "district": "洪山区"}).json()
    assert [j["title"] for j in jobs["items"]] == ["养老护理员培训"]
    assert client.get("/api/v1/app/jobs").json()["total"] == 1


@pytest.mark.parametrize(
    "path,params",
    [
        ("/api/v1/app/policies", {"limit": 0}),
        ("/api/v1/app/policies", {"limit": 51}),
        ("/api/v1/app/policies", {"offset": -1}),
        ("/api/v1/app/policies", {"insurance": "lottery"}),
        ("/api/v1/app/policies", {"q": "养" * 65}),
        ("/api/v1/app/qa", {"category": "x"}),
        ("/api/v1/app/jobs", {"kind": "party"}),
        ("/api/v1/app/jobs", {"district": "区" * 33}),
        ("/api/v1/app/jobs", {"limit": "many"}),
    ],
)
def test_api_refuses_bad_input_with_a_clear_4xx(client, path, params):
    response = client.get(path, params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["message"] and body["message_en"]


# --- pages ------------------------------------------------------------------------------------


def test_policy_pages_show_only_the_visible(client, window):
    page = client.get("/policies/", {"q": "退休"}).content.decode()
    assert window["shown"].title in page
    for name in ("draft", "withdrawn", "future", "expired"):
        assert window[name].title not in page
        assert client.get(f"/policies/{window[name].pk}/").status_code == 404
    detail = client.get(f"/policies/{window['shown'].pk}/")
    assert detail.status_code == 200 and window["shown"].title in detail.content.decode()


def test_qa_and_job_pages(client):
    answer("社保卡丢了怎么办？", keywords="挂失", answer="拨打12333挂失")
    answer("草稿：挂失", status=Status.DRAFT)
    job("江岸区招聘会", district="江岸区")
    job("过期招聘会", district="江岸区", expire_at=NOW - DAY)
    qa = client.get("/qa/", {"q": "挂失"}).content.decode()
    assert "社保卡丢了怎么办？" in qa and "草稿：挂失" not in qa
    jobs = client.get("/employment/", {"district": "江岸区"}).content.decode()
    assert "江岸区招聘会" in jobs and "过期招聘会" not in jobs
    # a made-up filter shows everything rather than an error
    assert client.get("/employment/", {"kind": "party", "page": "x"}).status_code == 200


def test_pager_links_carry_the_query(client):
    for n in range(21):
        answer(f"养老问题{n}")
    page = client.get("/qa/", {"q": "养老 问题"}).content.decode()
    assert "?q=%E5%85%BB%E8%80%81+%E9%97%AE%E9%A2%98&amp;page=2" in page


# --- the demo seed ----------------------------------------------------------------------------


def test_demo_content_is_written_once_and_hides_the_draft_and_the_expired():
    from shebao.devtools.seed.content import ANSWERS, POLICIES, write_demo_content

    today = timezone.localdate()
    first = write_demo_content(today=today)
    assert write_demo_content(today=today) == 0
    assert first == Policy.objects.count() + Answer.objects.count() + JobNotice.objects.count()
    assert policies_search().count() == len(POLICIES)
    assert answers_search().count() == len(ANSWERS)
    assert jobs_list().count() == 6
    assert [p.title for p in policies_search(query="延迟退休")] == [
        "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定"
    ]


# --- PostgreSQL: the search column is trigram-indexed ---------------------------------------


def test_on_postgresql_each_search_column_has_its_trigram_index_and_a_chinese_search_uses_it():
    from django.db import connection

    from tests.conftest import require_postgres

    require_postgres()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'content_%%_search_trgm'")
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"content_policy_search_trgm", "content_answer_search_trgm", "content_jobnotice_search_trgm"}
    for n in range(300):
        policy(f"通知{n}", body=f"第{n}号 base{n:04d}")
    target = policy("城乡居民基本养老保险")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE content_policy")
        cursor.execute("SET LOCAL enable_seqscan = off")
        # the search's own condition, as the selector writes it (all 301 rows are published, so
        # for the whole query the planner rightly prefers the status index here)
        cursor.execute("EXPLAIN SELECT id FROM content_policy WHERE search_text LIKE %s", ["%城乡居民基本%"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "content_policy_search_trgm" in plan, plan
    assert list(policies_search(query="城乡居民 养老")) == [target]

"""The action forms of the staff case panel: one partial (web/cases/_action_form.html) draws
every one, so each posts the case's version and its own action with a button naming that action,
and each label names a field of its own form."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.web.support import sign_in
from tests.web.test_workbench import act, body, open_case


class _Forms(HTMLParser):
    """The forms of a page: their hidden inputs, buttons, label targets and field ids, and the
    words of its summaries, labels and buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.ids: list[str] = []
        self.words: list[str] = []
        self._open: str | None = None

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open and data.strip():
            self.words.append(data.strip())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("summary", "label", "button", "legend"):
            self._open = tag
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "form":
            self.forms.append({"attrs": a, "hidden": {}, "buttons": [], "labels": [], "ids": []})
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input" and a.get("type") == "hidden":
            form["hidden"][a.get("name")] = a.get("value")
        elif tag == "button":
            form["buttons"].append(a.get("data-action"))
        elif tag == "label" and a.get("for"):
            form["labels"].append(a["for"])
        if tag in ("input", "select", "textarea") and a.get("id"):
            form["ids"].append(a["id"])


@pytest.mark.parametrize("compact", [False, True])
def test_every_action_form_posts_the_version_and_its_own_action(client, engine, clerk, approver, applicant, compact):
    # given a case a clerk accepted, seen by an approver, who may review, reject, ask for
    # materials, suspend, extend and transfer it
    case = act(clerk, open_case(clerk, applicant, "T-L2"), "accept")
    sign_in(client, approver)
    # when the approver opens its page (or its card on the batch page)
    if compact:
        # (the card htmx swaps in after a refused action: here a stale version)
        stale = {"action": "review", "version": 0, "fragment": "card"}
        html = body(client.post(reverse("web:case_act", args=[case.number]), stale, HTTP_HX_REQUEST="true"))
    else:
        html = body(client.get(reverse("web:case", args=[case.number])))
    parser = _Forms()
    parser.feed(html)
    url = reverse("web:case_act", args=[case.number])
    forms = [f for f in parser.forms if f["attrs"].get("action") == url]
    # then each action form posts by htmx to the case, with the version the page showed and the
    # action its one button names
    actions = [f["hidden"]["action"] for f in forms]
    expected = {"review", "reject", "request_materials", "suspend", "extend"}
    assert expected <= set(actions), actions
    assert len(actions) == len(set(actions))
    for form in forms:
        assert form["attrs"]["hx-post"] == url and form["attrs"]["method"] == "post"
        assert form["hidden"]["version"] == str(case.version)
        assert form["hidden"]["fragment"] == ("card" if compact else "panel")
        assert form["buttons"] == [form["hidden"]["action"]]
        # and every label names a field of its own form
        assert set(form["labels"]) <= set(form["ids"]), (form["hidden"]["action"], form["labels"], form["ids"])
    # and no id is used twice on the page
    assert len(parser.ids) == len(set(parser.ids))
    # the batch card leaves the step's note out; the page asks for it
    step = next(f for f in forms if f["hidden"]["action"] == "review")
    assert (f"note-{case.number}-review" in step["ids"]) is not compact


def test_the_action_forms_speak_chinese_on_a_chinese_page(client, engine, clerk, approver, applicant):
    # given the approver's page of a case in progress (Chinese, the default)
    case = act(clerk, open_case(clerk, applicant, "T-L2"), "accept")
    sign_in(client, approver)
    html = body(client.get(reverse("web:case", args=[case.number])))
    parser = _Forms()
    parser.feed(html[html.index('<div class="case-actions">') :])  # the actions, not the shell
    # then every summary, label, legend and button of the actions is in Chinese
    panel = [w for w in parser.words if w]
    assert panel and all(any("\u4e00" <= ch <= "\u9fff" for ch in w) for w in panel), panel

"""The national platform's contract: bad messages are refused with their reason, the same
message twice is one message, the real platform refuses as not configured."""

from __future__ import annotations

import datetime as dt

import pytest

from shebao.core.models import AuditEvent
from shebao.pensions.transfers import platform, services
from shebao.pensions.transfers.models import PlatformMessage, Transfer
from tests.pensions.transfers.conftest import person_of
from tests.pensions.transfers.test_transfer_in import apply


def _letter(who, **overrides):
    raw = platform.message_new(
        kind="letter",
        sender="440300",
        receiver=platform.OUR_AGENCY,
        transfer_ref="440300-X-1",
        id_number=who.id_number,
        name=who.name,
        body={"applied_on": "2026-02-24", "letter_date": "2026-02-27"},
    ).as_json()
    raw.update(overrides)
    return raw


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"receiver": "440300"}, "not to us"),
        ({"sender": "42010"}, "sender is malformed"),
        ({"kind": "gossip"}, "Unknown message kind"),
        ({"sent_at": "2026-03-02T10:00:00"}, "time zone"),
        ({"body": {"applied_on": "2026-02-27", "letter_date": "2026-02-24"}}, "before body.applied_on"),
        ({"person": {"id_number": "420102198503140000", "name": "张三"}}, "身份证"),
    ],
)
def test_a_bad_message_is_stored_rejected_with_its_reason_and_changes_nothing(world, district, citizen, change, reason):
    person = person_of(citizen, district)
    receipt = services.platform_receive(raw=_letter(person, **change))
    assert not receipt.accepted and reason in receipt.reason
    row = PlatformMessage.objects.get(direction="in")
    assert (row.state, reason in row.reason) == ("rejected", True)
    assert not Transfer.objects.exists()
    assert AuditEvent.objects.filter(action="transfer.platform.reject").count() == 1


def test_a_letter_for_someone_not_insured_here_is_rejected(world, citizen):
    class Nobody:
        id_number, name = citizen.id_number, "张三"

    receipt = services.platform_receive(raw=_letter(Nobody))
    assert not receipt.accepted and "No pension relationship" in receipt.reason


def test_an_information_form_whose_pooled_part_breaks_the_rule_is_refused(
    world, at, district, citizen, clerk, reviewer
):
    person_of(citizen, district)
    case = apply(clerk, citizen, district)
    services.transfer_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case.refresh_from_db()
    t = services.transfer_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    body = {
        "years": [
            {"year": 2016, "months": 12, "base_total": "60000.00", "personal_amount": "4800.00", "pooled": "7000.00"}
        ],
        "balance": "4800.00",
        "pooled_total": "7000.00",
        "total": "11800.00",
    }
    raw = platform.message_new(
        kind="info_form",
        sender="440300",
        receiver=platform.OUR_AGENCY,
        transfer_ref=t.ref,
        id_number=t.id_number,
        name=t.name,
        body=body,
    ).as_json()
    receipt = services.platform_receive(raw=raw)
    # 60000.00 × 12 % = 7200.00
    assert not receipt.accepted and "7200.00" in receipt.reason
    t.refresh_from_db()
    assert t.state == "letter_sent" and t.form_received_on is None
    # the same message again: the same refusal, nothing more stored
    again = services.platform_receive(raw=raw)
    assert again.duplicate and not again.accepted
    assert PlatformMessage.objects.filter(direction="in").count() == 1


def test_the_national_platform_is_not_configured_and_the_outbox_waits(
    world, settings, at, district, citizen, clerk, reviewer
):
    person_of(citizen, district)
    case = apply(clerk, citizen, district)
    services.transfer_act(actor=clerk, case_id=case.pk, version=case.version, action="accept")
    case.refresh_from_db()
    services.transfer_act(actor=reviewer, case_id=case.pk, version=case.version, action="review")
    settings.PENSION_TRANSFER_PLATFORM = "national"
    with pytest.raises(platform.PlatformNotConfigured):
        platform.platform_adapter().send(platform.message_from_outbox(PlatformMessage.objects.get().payload))
    assert services.platform_send_pending() == {"sent": 0, "failed": 1}
    row = PlatformMessage.objects.get()
    assert (row.state, row.attempts) == ("pending", 1)
    # when it is configured as the simulator again, the letter goes
    settings.PENSION_TRANSFER_PLATFORM = "simulated"
    assert services.platform_send_pending()["sent"] == 1


def test_sent_at_in_the_future_is_refused(world, district, citizen):
    person = person_of(citizen, district)
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    assert "future" in services.platform_receive(raw=_letter(person, sent_at=later)).reason


def test_production_may_not_simulate_another_provinces_funds():
    from tests.core.test_settings import PUBLIC, REAL_SECRET, _load

    refused = _load(
        SHEBAO_ENV="production",
        SHEBAO_SECRET_KEY=REAL_SECRET,
        SHEBAO_PUBLIC_URL=PUBLIC,
        SHEBAO_TRANSFER_PLATFORM="simulated",
    )
    assert refused.returncode != 0 and "SHEBAO_TRANSFER_PLATFORM=national" in refused.stderr
    shown = _load(
        "import shebao.settings as s; print(s.PENSION_TRANSFER_PLATFORM)",
        SHEBAO_ENV="production",
        SHEBAO_SECRET_KEY=REAL_SECRET,
        SHEBAO_PUBLIC_URL=PUBLIC,
    )
    assert shown.stdout.strip() == "national", shown.stderr


def _application(person, **body):
    return platform.message_new(
        kind="application",
        sender="100000",  # the national public service platform
        receiver=platform.OUR_AGENCY,
        transfer_ref="GJ-2026-000001",
        id_number=person.id_number,
        name=person.name,
        body={
            "from_agency": "440300",
            "applied_on": "2026-03-01",
            "sex": "M",
            "birth_date": "1985-03-14",
            "hukou_place": "",
            "period_from": "2015-07-01",
            "period_to": "2017-03-01",
            **body,
        },
    ).as_json()


def test_an_application_filed_online_nationally_opens_the_transfer_in_here(world, district, citizen):
    from shebao.cases.models import Case

    person = person_of(citizen, district)
    raw = _application(person)
    receipt = services.platform_receive(raw=raw)
    assert receipt.accepted, receipt.reason
    t = Transfer.objects.get()
    assert (t.ref, t.direction, t.state, t.other_agency, t.applied_on) == (
        "GJ-2026-000001",
        "in",
        "applied",
        "440300",
        dt.date(2026, 3, 1),
    )
    # received online: the ID card is asked for once (一次性告知), the clock waits for it
    assert (t.case.item.code, t.case.channel, t.case.status) == ("YL-003", "online", Case.Status.AWAITING_MATERIALS)
    # the same application again: one case
    assert services.platform_receive(raw=raw).duplicate
    assert Case.objects.filter(item__code="YL-003").count() == 1


def test_an_application_for_someone_not_insured_here_is_refused(world, citizen):
    class Nobody:
        id_number, name = citizen.id_number, "张三"

    receipt = services.platform_receive(raw=_application(Nobody))
    assert not receipt.accepted and "not insured here" in receipt.reason
    assert not Transfer.objects.exists()

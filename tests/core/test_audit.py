"""The audit chain: every edit, deletion or reordering is found; signed checkpoints of its head
find a truncated tail and a rewritten chain too; PostgreSQL refuses changes; actions are an
enumeration with labels, and nothing else is recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from shebao.core import audit
from shebao.core.models import AuditCheckpoint, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(clerk, citizen):
    events = [
        audit.record(
            actor=clerk,
            action="person.view" if i % 2 else "person.update",
            subject_type="person",
            subject_id=i,
            subject_person=citizen.id_number,
            before={"phone": "13800000000"} if i % 2 == 0 else None,
            after={"phone": f"1390000000{i}", "base": Decimal("7496.00")},
            channel="hall",
        )
        for i in range(6)
    ]
    return events


def _untrigger():
    """Simulate someone with database-owner rights going around the application."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")


def test_events_carry_who_what_where_and_chain(chain, clerk):
    first, second = chain[0], chain[1]
    assert first.prev_hash == audit.GENESIS
    assert second.prev_hash == first.hash
    stored = AuditEvent.objects.get(pk=first.pk)
    assert stored.actor_label == clerk.username
    assert stored.role == "clerk"
    assert stored.office == clerk.office.code
    assert stored.after["base"] == "7496.00"  # Decimal kept exactly, as text
    assert audit.verify().ok
    assert audit.verify().checked == 6


def test_an_edited_event_is_named(chain):
    _untrigger()
    AuditEvent.objects.filter(pk=chain[3].pk).update(after={"phone": "13911112222"})
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_id == chain[3].pk
    assert "修改" in result.reason_zh


def test_an_edit_that_recomputes_the_hash_still_breaks_the_link(chain):
    _untrigger()
    forged = AuditEvent.objects.get(pk=chain[2].pk)
    forged.after = {"phone": "forged"}
    new_hash = audit.event_hash(forged)
    AuditEvent.objects.filter(pk=forged.pk).update(after=forged.after, hash=new_hash)
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_id == chain[3].pk  # the next event no longer points at it


def test_a_deleted_event_is_found(chain):
    _untrigger()
    AuditEvent.objects.filter(pk=chain[2].pk).delete()
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_id == chain[3].pk
    assert "删除" in result.reason_zh


def test_reordered_events_are_found(chain):
    _untrigger()
    a = AuditEvent.objects.get(pk=chain[1].pk)
    b = AuditEvent.objects.get(pk=chain[4].pk)
    fields = ["at", "actor_label", "action", "subject_id", "before", "after", "prev_hash", "hash"]
    values_a = {f: getattr(a, f) for f in fields}
    values_b = {f: getattr(b, f) for f in fields}
    AuditEvent.objects.filter(pk=a.pk).update(hash="x" * 64)  # free the unique hash first
    AuditEvent.objects.filter(pk=b.pk).update(**values_a)
    AuditEvent.objects.filter(pk=a.pk).update(**values_b)
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_id == chain[1].pk


def test_the_command_exits_non_zero_and_names_the_event(chain):
    call_command("audit", "verify")  # intact: no error
    _untrigger()
    AuditEvent.objects.filter(pk=chain[5].pk).update(action="person.delete")
    with pytest.raises(CommandError, match=f"#{chain[5].pk}"):
        call_command("audit", "verify")


def test_an_event_rolls_back_with_its_command(clerk):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=clerk, action="person.update", subject_type="person", subject_id=1)
        raise RuntimeError("the command failed after recording")
    assert not AuditEvent.objects.exists()


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete(chain):
    from tests.conftest import require_postgres

    require_postgres()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=chain[0].pk).update(action="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=chain[0].pk).delete()
    assert audit.verify().ok


# --- The anchor: signed checkpoints of the head, in the database and in a file ---------------


@pytest.fixture
def checkpoint_file(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit" / "checkpoints.jsonl")
    return tmp_path / "audit" / "checkpoints.jsonl"


@pytest.fixture
def sign(django_capture_on_commit_callbacks, checkpoint_file):
    """Write a checkpoint as the beat does (its export to the file runs at commit)."""

    def write():
        with django_capture_on_commit_callbacks(execute=True):
            checkpoint, created = audit.checkpoint_write()
        assert created
        return checkpoint

    return write


def _untrigger_checkpoints():
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE core_auditcheckpoint DISABLE TRIGGER USER")


def _rewrite_from(event_id, **changes):
    """What someone with write access to the database can do: edit one event and recompute its
    hash and every hash after it, so every link holds again."""
    _untrigger()
    prev = AuditEvent.objects.filter(id__lt=event_id).order_by("-id").values_list("hash", flat=True).first()
    prev = prev or audit.GENESIS
    for event in AuditEvent.objects.filter(id__gte=event_id).order_by("id"):
        for field, value in (changes if event.pk == event_id else {}).items():
            setattr(event, field, value)
        event.prev_hash = prev
        event.hash = audit.event_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(
            hash="r" + event.hash[1:]  # free the unique hash first
        )
        AuditEvent.objects.filter(pk=event.pk).update(
            after=event.after, action=event.action, prev_hash=event.prev_hash, hash=event.hash
        )
        prev = event.hash


def test_an_honest_chain_with_checkpoints_is_intact_and_the_file_holds_each_one(chain, clerk, sign, checkpoint_file):
    # given a checkpoint, more events, and a second checkpoint
    first = sign()
    audit.record(actor=clerk, action="person.view", subject_type="person", subject_id=99)
    second = sign()
    # then both sign the head of their time, the second chained to the first
    assert (first.seq, first.event_hash) == (chain[-1].pk, chain[-1].hash)
    assert second.prev_mac == first.mac
    # and the file holds one JSON line per checkpoint, as in the database
    lines = [json.loads(line) for line in checkpoint_file.read_text().splitlines()]
    assert [(x["id"], x["seq"], x["event_hash"], x["mac"]) for x in lines] == [
        (c.pk, c.seq, c.event_hash, c.mac) for c in (first, second)
    ]
    # and the chain verifies against both
    result = audit.verify()
    assert result.ok and result.checked == 7 and result.checkpoints == 2
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "7 events, 2 checkpoints" in out.getvalue()


def test_without_a_checkpoint_a_rewritten_chain_still_links(chain):
    # the hole the checkpoints close: an edit with every later hash recomputed passes the links
    _rewrite_from(chain[2].pk, after={"phone": "forged"})
    assert audit.verify().ok


def test_a_rewritten_chain_is_named_by_the_checkpoint_it_no_longer_matches(chain, sign):
    # given a checkpoint of the head
    checkpoint = sign()
    # when event 2 is edited and every hash after it recomputed
    _rewrite_from(chain[1].pk, after={"phone": "forged"})
    # then verify names the checkpoint and the event it anchored
    result = audit.verify()
    assert not result.ok
    assert (result.checkpoint_id, result.first_bad_id) == (checkpoint.pk, chain[-1].pk)
    assert "改写" in result.reason_zh and f"checkpoint #{checkpoint.pk}" in result.reason_en
    with pytest.raises(CommandError, match=f"#{checkpoint.pk}"):
        call_command("audit", "verify")


def test_the_first_checkpoint_after_a_rewritten_event_is_named(chain, clerk, sign):
    # given a checkpoint at event 3 (of 6) and one at event 6
    for event in chain[3:]:
        _untrigger()
        AuditEvent.objects.filter(pk=event.pk).delete()
    at_three = sign()
    for i in range(3):
        audit.record(actor=clerk, action="person.view", subject_type="person", subject_id=i)
    sign()
    # when event 2 is rewritten with every later hash recomputed
    _rewrite_from(chain[1].pk, after={"phone": "forged"})
    # then the earliest checkpoint it breaks is named
    result = audit.verify()
    assert (result.ok, result.checkpoint_id, result.first_bad_id) == (False, at_three.pk, chain[2].pk)


def test_a_truncated_tail_is_named(chain, sign):
    # given a checkpoint of the head
    checkpoint = sign()
    # when the last two events are deleted
    _untrigger()
    AuditEvent.objects.filter(pk__in=[chain[4].pk, chain[5].pk]).delete()
    # then the links alone hold, but the checkpoint names the truncation
    result = audit.verify()
    assert not result.ok
    assert (result.checkpoint_id, result.first_bad_id) == (checkpoint.pk, chain[5].pk)
    assert "截断" in result.reason_zh and f"now ends at #{chain[3].pk}" in result.reason_en
    with pytest.raises(CommandError, match="truncated"):
        call_command("audit", "verify")


def test_a_truncated_tail_with_new_events_after_it_is_still_found(chain, clerk, sign):
    checkpoint = sign()
    _untrigger()
    AuditEvent.objects.filter(pk__in=[chain[4].pk, chain[5].pk]).delete()
    # new honest events chain onto the truncated tail (SQLite may reuse the ids)
    for i in range(3):
        audit.record(actor=clerk, action="person.view", subject_type="person", subject_id=i)
    result = audit.verify()
    assert not result.ok
    assert (result.checkpoint_id, result.first_bad_id) == (checkpoint.pk, chain[5].pk)


def test_a_forged_checkpoint_fails_its_signature(chain, sign):
    # given a rewritten chain whose checkpoint is "fixed" to the new head hash without the key
    checkpoint = sign()
    _rewrite_from(chain[1].pk, after={"phone": "forged"})
    _untrigger_checkpoints()
    new_head = AuditEvent.objects.get(pk=chain[-1].pk).hash
    AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(event_hash=new_head)
    # then its HMAC fails, and the checkpoint is named (the exported copy is not consulted first)
    result = audit.verify()
    assert not result.ok and result.checkpoint_id == checkpoint.pk
    assert "签名不符" in result.reason_zh


def test_a_checkpoint_deleted_with_the_tail_is_found_in_the_file(chain, clerk, sign):
    # given a checkpoint at event 6, and one after three more events
    first = sign()
    extra = [audit.record(actor=clerk, action="person.view", subject_id=i) for i in range(3)]
    second = sign()
    # when the last events and the checkpoint that anchors them are deleted from the database
    _untrigger()
    _untrigger_checkpoints()
    AuditEvent.objects.filter(pk__in=[e.pk for e in extra]).delete()
    AuditCheckpoint.objects.filter(pk=second.pk).delete()
    # then the exported file still names it
    result = audit.verify()
    assert not result.ok and result.checkpoint_id == second.pk
    assert "deleted from the database" in result.reason_en
    assert first.pk != second.pk


def test_a_checkpoint_deleted_between_two_others_breaks_their_chain(chain, clerk, settings, sign):
    settings.AUDIT_CHECKPOINT_FILE = None  # the database alone
    sign()
    audit.record(actor=clerk, action="person.view", subject_id=1)
    middle = sign()
    audit.record(actor=clerk, action="person.view", subject_id=2)
    last = sign()
    _untrigger_checkpoints()
    AuditCheckpoint.objects.filter(pk=middle.pk).delete()
    result = audit.verify()
    assert (result.ok, result.checkpoint_id) == (False, last.pk)
    assert "之前的检查点被删除" in result.reason_zh


def test_an_altered_line_of_the_file_is_named(chain, sign, checkpoint_file):
    sign()
    with checkpoint_file.open("a") as handle:
        handle.write("not json\n")
    result = audit.verify()
    assert not result.ok and "Line 2 of the checkpoint file" in result.reason_en


def test_a_checkpoint_is_written_only_when_the_head_moved_and_never_over_a_broken_chain(chain, clerk, sign):
    checkpoint = sign()
    # the head has not moved: the same checkpoint, nothing new
    assert audit.checkpoint_write() == (checkpoint, False)
    # an event edited after the last checkpoint: no checkpoint is signed over it
    audit.record(actor=clerk, action="person.view", subject_id=1)
    _untrigger()
    victim = AuditEvent.objects.order_by("-id").first()
    AuditEvent.objects.filter(pk=victim.pk).update(subject_id="2")
    with pytest.raises(audit.AuditChainBroken, match=f"#{victim.pk}"):
        audit.checkpoint_write()
    with pytest.raises(CommandError, match="No checkpoint signed"):
        call_command("audit", "checkpoint")
    assert AuditCheckpoint.objects.count() == 1


def test_a_checkpoint_the_file_missed_is_exported_with_the_next(chain, clerk, sign, checkpoint_file):
    # given a checkpoint whose export did not happen (its transaction's on-commit never ran)
    missed, _ = audit.checkpoint_write()
    audit.record(actor=clerk, action="person.view", subject_id=1)
    # when the next one is written
    second = sign()
    # then the file holds both, in order
    ids = [json.loads(line)["id"] for line in checkpoint_file.read_text().splitlines()]
    assert ids == [missed.pk, second.pk]


def test_the_checkpoint_command_and_the_periodic_task(chain, checkpoint_file, settings):
    from shebao.core.tasks import audit_checkpoint_task

    out = StringIO()
    call_command("audit", "checkpoint", stdout=out)
    checkpoint = AuditCheckpoint.objects.get()
    assert f"Checkpoint #{checkpoint.pk}: event #{chain[-1].pk}" in out.getvalue()
    assert audit_checkpoint_task() == chain[-1].pk  # the head has not moved: nothing new
    assert AuditCheckpoint.objects.count() == 1
    assert settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]["task"] == audit_checkpoint_task.name


def test_checkpoints_signed_with_another_key_are_named(chain, sign, settings):
    checkpoint = sign()
    settings.AUDIT_KEY = "another-key-" + "x" * 40
    result = audit.verify()
    assert (result.ok, result.checkpoint_id) == (False, checkpoint.pk)
    assert "another key" in result.reason_en


def _start(env):
    code = "import django; django.setup(); print('started')"
    base = {k: v for k, v in os.environ.items() if k not in {"SHEBAO_AUDIT_KEY", "DATABASE_URL"}}
    production = {
        "SHEBAO_ENV": "production",
        "SHEBAO_SECRET_KEY": "a-real-secret-from-the-vault-0123456789",
        "SHEBAO_PUBLIC_URL": "https://shebao.example.cn",
        "SHEBAO_DOCUMENT_KEY": "d" * 48,
        "DJANGO_SETTINGS_MODULE": "shebao.settings",
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **production, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_the_checkpoint_key():
    refused = _start({})
    assert refused.returncode != 0 and "SHEBAO_AUDIT_KEY" in refused.stderr
    too_short = _start({"SHEBAO_AUDIT_KEY": "short"})
    assert too_short.returncode != 0 and "at least 32" in too_short.stderr
    started = _start({"SHEBAO_AUDIT_KEY": "k" * 48})
    assert started.returncode == 0, started.stderr
    assert "started" in started.stdout


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_of_checkpoints(chain, sign):
    from tests.conftest import require_postgres

    require_postgres()
    checkpoint = sign()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(event_hash="0" * 64)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).delete()
    assert audit.verify().ok


# --- Actions: an enumeration with labels; record refuses anything else ----------------------


def test_an_undeclared_action_is_refused_and_nothing_is_written(clerk):
    with pytest.raises(audit.UnknownAuditAction, match=r"case\.acept"):
        audit.record(actor=clerk, action="case.acept", subject_type="case", subject_id=1)
    assert not AuditEvent.objects.exists()


def test_the_old_spelling_of_a_merged_action_is_refused_for_new_events_but_labelled_for_old_ones(clerk):
    with pytest.raises(audit.UnknownAuditAction, match=r"contributions\.base\.declare"):
        audit.record(actor=clerk, action="contributions.base_declare")
    actions = audit.audit_actions
    assert actions.label("contributions.base_declare") == actions.label("contributions.base.declare") == "缴费工资申报"
    assert actions.spellings("contributions.base.declare") == [
        "contributions.base.declare",
        "contributions.base_declare",
    ]


def test_labels_in_both_languages_and_unknown_codes_shown_as_they_are():
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load shebao %}{{ a|audit_action }}|{{ b|audit_action }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"a": "case.accept", "b": "case.review"})) == "受理|复核"
    with translation.override("en"):
        assert template.render(Context({"a": "case.accept", "b": "legacy.thing"})) == "Accepted|legacy.thing"


def test_one_value_cannot_be_declared_by_two_enumerations():
    from shebao.core.audit.actions import AuditActionConflict, AuditActionRegistry, AuditActions

    class First(AuditActions):
        X = "x.do", "做 / Do"

    class Second(AuditActions):
        X = "x.do", "另一个 / Another"

    registry = AuditActionRegistry()
    registry.register(First)
    registry.register(First)  # the same enumeration again: harmless
    with pytest.raises(AuditActionConflict, match=r"x\.do"):
        registry.register(Second)
    with pytest.raises(AuditActionConflict, match="not declared"):
        registry.register(First, aliases={"x.old": "x.undeclared"})


def test_every_declared_action_has_a_chinese_and_an_english_label():
    for action in audit.audit_actions:
        assert action.label_zh and action.label_en and action.label_zh != action.label_en, action


# Actions computed at run time, keyed by (the function that records it, the action as written),
# with the values they can take: the function's qualified name, not its file, so that moving it
# to another module (a split into a package) leaves the key as it is. A new computed action must
# be listed here (the test below says so).
def _step_actions():
    from shebao.catalog.models import ItemStep

    return [f"case.{kind}" for kind in ItemStep.Kind.values]


def _admin_actions():
    from django.contrib import admin

    names = {name for model_admin in admin.site._registry.values() for name in model_admin.audit_action_names.values()}
    return ["admin.add", "admin.change", "admin.delete", *sorted(names)]


DYNAMIC = {
    ("case_act", "case.{action}"): _step_actions,  # the current step's kind
    ("staff_import_rows", "employment.import_{kind}"): lambda: ["employment.import_add", "employment.import_remove"],
    # registry.services.authorisations: recorded at a window, or granted online by the grantor
    ("_create", "{action}"): lambda: ["authorisation.record", "authorisation.grant"],
    ("AuditedModelAdmin.audit_record", "{self.audit_action_names.get(kind, f'admin.{kind}')}"): _admin_actions,
    # its one caller (the mailing run's chunk) takes the default
    ("statements_issue_bulk", "{audit_action}"): lambda: ["mailing.issue"],
}


def _undeclared(calls, dynamic=DYNAMIC):
    """(what is wrong, the DYNAMIC keys the calls used)."""
    problems, seen_dynamic = [], set()
    for call in calls:
        key = (call.function, call.template)
        if call.value is not None:
            values = [call.value]
        elif key in dynamic:
            seen_dynamic.add(key)
            values = dynamic[key]()
        else:
            problems.append(
                f"{call.module}:{call.line} ({call.function}) records an action computed at run time "
                f"({call.template}): list the values it can take in DYNAMIC in tests/core/test_audit.py"
            )
            continue
        problems += [
            f"{call.module}:{call.line} records {value!r}, which no app declares (add it to the app's audit_actions.py)"
            for value in values
            if value not in audit.audit_actions
        ]
    return problems, seen_dynamic


def test_every_action_any_code_records_is_declared():
    # given every call of the recorder in the source, directly or through a module's wrapper
    from tests.core.audit_calls import audit_calls

    calls = audit_calls()
    assert len(calls) > 50  # the collector sees the code base (a broken one would see nothing)
    problems, seen_dynamic = _undeclared(calls)
    # every computed action is listed, and every listing still names a call (none left stale)
    assert seen_dynamic == set(DYNAMIC), (
        f"DYNAMIC lists calls the source no longer makes: {set(DYNAMIC) - seen_dynamic}"
    )
    # then each is declared, with its labels
    assert not problems, "\n".join(problems)


def test_the_dynamic_listing_survives_a_move_and_still_catches_a_new_computed_action():
    from dataclasses import replace

    from tests.core.audit_calls import Call, audit_calls

    calls = audit_calls()
    problems, seen = _undeclared(calls)
    assert seen  # the source has computed actions to recognise
    # given every call moved to another file (as a split into a package does)
    moved = [replace(call, module=f"moved/{call.module}") for call in calls]
    # then every listed computed action is still recognised, and nothing more is reported
    moved_problems, moved_seen = _undeclared(moved)
    assert moved_seen == seen
    assert [p.removeprefix("moved/") for p in moved_problems] == problems
    # when a new function records an action computed at run time, not listed in DYNAMIC
    new = Call("registry/services/units.py", 12, None, "unit.{kind}", "unit_suspend")
    # then it is reported, by file, line and function
    problems, _ = _undeclared([*moved, new])
    assert problems == [
        "registry/services/units.py:12 (unit_suspend) records an action computed at run time (unit.{kind}): "
        "list the values it can take in DYNAMIC in tests/core/test_audit.py"
    ]
    # and a listed one whose values include an undeclared action is reported too
    problems, _ = _undeclared(moved, {**DYNAMIC, ("case_act", "case.{action}"): lambda: ["case.accept", "case.nap"]})
    assert problems == [
        f"{call.module}:{call.line} records 'case.nap', which no app declares (add it to the app's audit_actions.py)"
        for call in moved
        if call.function == "case_act" and call.value is None
    ]


def test_the_parallel_verification_job_checks_the_checkpoints_too(chain, sign):
    from shebao.core.jobs import LocalExecutor, job_create, job_run
    from shebao.core.models import JobChunk

    def bad_found():
        job = job_run(job_id=job_create(kind="audit.verify", chunk_size=2).pk, executor=LocalExecutor(processes=1))
        return [b for c in JobChunk.objects.filter(job=job) for b in c.result["bad"]]

    # given a checkpoint at the fourth event and one at the head
    for event in chain[4:]:
        _untrigger()
        AuditEvent.objects.filter(pk=event.pk).delete()
    middle = sign()
    for i in range(2):
        audit.record(actor=chain[0].actor, action="person.view", subject_id=i)
    head = sign()
    assert bad_found() == []
    # when the chain is rewritten from the second event
    _rewrite_from(chain[1].pk, after={"phone": "forged"})
    # then the job names both checkpoints it no longer matches
    assert bad_found() == [
        {"id": middle.seq, "reason": "checkpoint_rewritten", "checkpoint": middle.pk},
        {"id": head.seq, "reason": "checkpoint_rewritten", "checkpoint": head.pk},
    ]
    # and when the tail is truncated below the last checkpoint, the range still reaches it
    _untrigger()
    AuditEvent.objects.filter(pk__gt=middle.seq).delete()
    assert {"id": head.seq, "reason": "checkpoint_event_gone", "checkpoint": head.pk} in bad_found()

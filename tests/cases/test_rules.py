"""The pure rules of a case (``shebao.cases.rules``): property tests over random sequences of
actions on the clock and on the authority chain, and the module's purity."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shebao.cases import rules
from shebao.cases.rules import Action, ActorFacts, CaseFacts, Clock, State, StepFacts, WeekCalendar

D = dt.date
START = D(2026, 1, 5)  # a Monday

# --- calendars and clocks --------------------------------------------------------------------

days = st.integers(min_value=0, max_value=120).map(lambda n: START + dt.timedelta(days=n))


@st.composite
def calendars(draw: st.DrawFn) -> WeekCalendar:
    """Weekends off, some weekdays off (holidays), some weekend days on (调休)."""
    rest = draw(st.frozensets(days.filter(lambda d: d.weekday() < 5), max_size=12))
    work = draw(st.frozensets(days.filter(lambda d: d.weekday() >= 5), max_size=4))
    return WeekCalendar(rest=rest, work=work)


# one step of a clock's life: time passes (calendar days), then an action
steps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=9),
        st.sampled_from(["pause", "resume", "extend", "nothing"]),
        st.integers(min_value=1, max_value=10),
    ),
    max_size=25,
)


def run(cal: WeekCalendar, limit: int, script: list[tuple[int, str, int]]):
    """Yield (today, clock before, action, clock after) for each step of ``script``."""
    today = START
    clock = rules.clock_start(Clock(limit_days=limit), on=today, cal=cal)
    for gap, action, n in script:
        today += dt.timedelta(days=gap)
        before = clock
        if action == "pause":
            clock = rules.clock_pause(clock, on=today, cal=cal)
        elif action == "resume":
            clock = rules.clock_resume(clock, on=today, cal=cal) if clock.status == rules.clock.PAUSED else clock
        elif action == "extend":
            clock = rules.clock_extend(clock, days=n, cal=cal)
        yield today, before, action, n, clock


@settings(max_examples=300, deadline=None)
@given(cal=calendars(), limit=st.integers(min_value=0, max_value=20), script=steps)
def test_used_working_days_never_decrease(cal, limit, script):
    used = 0
    for today, _before, _action, _n, clock in run(cal, limit, script):
        now = rules.clock_used(clock, today=today, cal=cal)
        assert now >= used
        used = now


@settings(max_examples=300, deadline=None)
@given(cal=calendars(), limit=st.integers(min_value=0, max_value=20), script=steps)
def test_a_pause_never_consumes_days(cal, limit, script):
    paused_at: tuple[dt.date, int] | None = None
    for today, _before, _action, _n, clock in run(cal, limit, script):
        used = rules.clock_used(clock, today=today, cal=cal)
        if clock.status == rules.clock.PAUSED:
            if paused_at is None:
                paused_at = (today, used)
            assert used == paused_at[1], "days were consumed while the clock stood"
        else:
            paused_at = None


@settings(max_examples=300, deadline=None)
@given(cal=calendars(), limit=st.integers(min_value=0, max_value=20), script=steps)
def test_an_extension_of_n_moves_a_running_due_date_by_exactly_n_working_days(cal, limit, script):
    for _today, before, action, n, clock in run(cal, limit, script):
        if action == "extend" and before.status == rules.clock.RUNNING:
            assert cal.workdays_between(start=before.due_date, end=clock.due_date) == n
            assert cal.is_workday(clock.due_date)


@settings(max_examples=300, deadline=None)
@given(cal=calendars(), limit=st.integers(min_value=0, max_value=20), script=steps)
def test_the_due_date_is_always_the_days_left_counted_from_the_restart(cal, limit, script):
    # (so a case paused while overdue is still overdue when it resumes)
    for _today, _before, _action, _n, clock in run(cal, limit, script):
        if clock.status == rules.clock.RUNNING:
            assert cal.is_workday(clock.due_date)  # a time limit never ends on a rest day
            if not cal.is_workday(clock.started_on):
                continue  # an instant clock started on a rest day is due the next working day
            left = limit + clock.extension_days - clock.used_days
            if left >= 0:
                assert cal.workdays_between(start=clock.started_on, end=clock.due_date) == left
            else:  # restarted already overdue: it stays overdue by as many days
                assert cal.workdays_between(start=clock.due_date, end=clock.started_on) == -left


@settings(max_examples=500, deadline=None)
@given(cal=calendars(), due=days, later=st.integers(min_value=-10, max_value=40))
def test_a_case_is_overdue_exactly_when_a_working_day_has_passed_its_due_date(cal, due, later):
    today = due + dt.timedelta(days=later)
    working_days_after = [
        due + dt.timedelta(days=k) for k in range(1, later + 1) if cal.is_workday(due + dt.timedelta(days=k))
    ]
    assert (rules.overdue_days(due, today=today, cal=cal) > 0) == bool(working_days_after)
    assert rules.overdue_days(due, today=today, cal=cal) == len(working_days_after)


def test_overdue_is_counted_in_working_days_not_calendar_days():
    # due Friday 9 Jan; the following Saturday and Sunday are not a working day overdue
    cal = WeekCalendar()
    assert rules.overdue_days(D(2026, 1, 9), today=D(2026, 1, 11), cal=cal) == 0
    assert rules.overdue_days(D(2026, 1, 9), today=D(2026, 1, 12), cal=cal) == 1
    assert rules.overdue_target(5) == 2 and rules.overdue_target(1) == 1 and rules.overdue_target(0) == 0


def test_resuming_keeps_the_extension_the_clock_had():
    cal = WeekCalendar()
    clock = rules.clock_start(Clock(limit_days=10), on=D(2026, 1, 5), cal=cal)
    clock = rules.clock_extend(clock, days=5, cal=cal)
    clock = rules.clock_pause(clock, on=D(2026, 1, 7), cal=cal)  # 2 used
    clock = rules.clock_resume(clock, on=D(2026, 1, 9), cal=cal)
    assert cal.workdays_between(start=D(2026, 1, 9), end=clock.due_date) == 13  # 10 + 5 - 2


def test_a_second_pause_keeps_the_days_used_before_the_first():
    cal = WeekCalendar()
    clock = rules.clock_start(Clock(limit_days=10), on=D(2026, 1, 5), cal=cal)
    clock = rules.clock_pause(clock, on=D(2026, 1, 7), cal=cal)  # Tue, Wed: 2
    clock = rules.clock_resume(clock, on=D(2026, 1, 8), cal=cal)
    clock = rules.clock_pause(clock, on=D(2026, 1, 12), cal=cal)  # Fri, Mon: 2 more
    assert clock.used_days == 4
    clock = rules.clock_resume(clock, on=D(2026, 1, 12), cal=cal)
    assert cal.workdays_between(start=D(2026, 1, 12), end=clock.due_date) == 6


def test_an_instant_clock_started_on_a_rest_day_is_due_the_next_working_day():
    clock = rules.clock_start(Clock(limit_days=0), on=D(2026, 1, 11), cal=WeekCalendar())  # Sunday
    assert clock.due_date == D(2026, 1, 12)


@pytest.mark.parametrize(
    ("received", "closes", "online", "starts"),
    [
        (dt.datetime(2026, 1, 11, 20, 0), dt.time(17), True, D(2026, 1, 12)),  # Sunday evening online
        (dt.datetime(2026, 1, 12, 18, 30), dt.time(17), True, D(2026, 1, 13)),  # after closing
        (dt.datetime(2026, 1, 12, 7, 0), dt.time(17), True, D(2026, 1, 12)),  # before opening: that day
        (dt.datetime(2026, 1, 12, 18, 30), None, True, D(2026, 1, 12)),  # no hours listed
        (dt.datetime(2026, 1, 10, 10, 0), dt.time(16), False, D(2026, 1, 10)),  # a Saturday window
    ],
)
def test_an_application_sent_outside_office_hours_is_received_the_next_working_day(received, closes, online, starts):
    assert (
        rules.clock_start_day(
            received_on=received.date(), received_at=received.time(), closes=closes, online=online, cal=WeekCalendar()
        )
        == starts
    )


# --- the promise -----------------------------------------------------------------------------


def test_the_promise_counts_every_phase_so_a_late_first_phase_breaks_it():
    cal = WeekCalendar()
    # promised 17 working days from Mon 5 Jan; the district took 4 (its clock: 2), the centre 15
    promise = rules.promise_measure(
        promised_days=17,
        extension_days=0,
        start=D(2026, 1, 5),
        end=D(2026, 1, 30),
        stops=[],
        running=False,
        today=D(2026, 1, 30),
        cal=cal,
    )
    assert promise.used == 19 and promise.kept is False and promise.broken_by == 2


def test_the_promise_leaves_out_stops_and_outside_phases_and_counts_extensions():
    cal = WeekCalendar()
    promise = rules.promise_measure(
        promised_days=5,
        extension_days=2,
        start=D(2026, 1, 5),
        end=None,
        stops=[(D(2026, 1, 6), D(2026, 1, 13)), (D(2026, 1, 14), None)],
        running=False,
        today=D(2026, 1, 20),
        cal=cal,
    )
    # Tue 6 used, stop to Tue 13, Wed 14 used, stopped since: 2 working days
    assert (promise.days, promise.used, promise.left, promise.kept) == (7, 2, 5, True)
    running = rules.promise_measure(
        promised_days=5,
        extension_days=0,
        start=D(2026, 1, 5),
        end=None,
        stops=[],
        running=True,
        today=D(2026, 1, 7),
        cal=cal,
    )
    assert running.due_date == D(2026, 1, 12) and running.left == 3
    assert rules.promise_measure(
        promised_days=None, extension_days=0, start=None, end=None, stops=[], running=True, today=START, cal=cal
    ) == rules.Promise(days=None)


# --- authority -------------------------------------------------------------------------------

SKILL, OTHER_SKILL, OFFICE, OTHER_OFFICE = 7, 8, 100, 200
CHAIN = (StepFacts(1, "accept", 1, "受理"), StepFacts(2, "review", 2, "复核"), StepFacts(3, "approve", 3, "审批"))


def staff(pk: int, authority: int = 3, *, skill: int = SKILL, office: int = OFFICE, role: str = "approver"):
    return ActorFacts(
        id=pk,
        kind="staff",
        role=role,
        authority=authority,
        skill_groups=frozenset({skill}),
        office=office,
        jurisdiction=frozenset({office}),
        id_number=f"ID{pk}",
    )


def case_at(step: StepFacts | None, *, state: State = State.IN_PROGRESS, done=None, **kw) -> CaseFacts:
    kw = {"return_days": 2, "transfer_authority": 2, **kw}  # the catalogue's defaults
    return CaseFacts(
        state=state,
        insurance="pension",
        skill_group=SKILL,
        office=OFFICE,
        applicant_id_number="APPLICANT",
        step=step,
        steps_by=done or {},
        clock_running=state == State.IN_PROGRESS,
        **kw,
    )


actors = st.builds(
    staff,
    pk=st.integers(min_value=1, max_value=4),
    authority=st.integers(min_value=0, max_value=3),
    skill=st.sampled_from([SKILL, OTHER_SKILL]),
    office=st.sampled_from([OFFICE, OTHER_OFFICE]),
    role=st.sampled_from(["clerk", "reviewer", "approver", "monitor_city"]),
)


# staff who could each do any step but for separation of duties
colleagues = st.builds(staff, pk=st.integers(min_value=1, max_value=3), authority=st.integers(min_value=1, max_value=3))


@settings(max_examples=300, deadline=None)
@given(attempts=st.lists(st.tuples(st.one_of(colleagues, actors), st.booleans()), max_size=30))
def test_no_one_does_two_different_steps_of_one_case(attempts):
    done: dict[int, frozenset[int]] = {}
    position = 0
    for actor, reject in attempts:
        if position == len(CHAIN):
            break
        step = CHAIN[position]
        action = Action.REJECT if reject else Action(step.kind)
        if rules.refusal(actor, case_at(step, done=done), action) is None:
            done[actor.id] = done.get(actor.id, frozenset()) | {step.id}
            if reject:
                break
            position += 1
    assert all(len(steps) == 1 for steps in done.values()), done


NEEDED = {
    Action.ACCEPT: 1,
    Action.REVIEW: 2,
    Action.APPROVE: 3,
    Action.REJECT: 2,
    Action.REQUEST_MATERIALS: 2,
    Action.SUSPEND: 2,
    Action.EXTEND: 3,
    Action.ESCALATE: 0,
    Action.TRANSFER: 2,
    Action.RETURN: 0,
}


@settings(max_examples=500, deadline=None)
@given(
    actor=actors,
    action=st.sampled_from(sorted(NEEDED)),
    required=st.integers(min_value=1, max_value=3),
)
def test_no_action_outside_the_actors_authority_or_skill_group_succeeds(actor, action, required):
    step = CHAIN[1] if action not in rules.STEP_ACTIONS else next(s for s in CHAIN if s.kind == action)
    case = case_at(step, required_authority=required, routed=True, returnable=True)
    if rules.refusal(actor, case, action) is None:
        assert SKILL in actor.skill_groups
        assert OFFICE in actor.jurisdiction
        assert actor.role in rules.HANDLING_ROLES
        if action in rules.STEP_ACTIONS or action in (Action.REJECT, Action.REQUEST_MATERIALS, Action.SUSPEND):
            assert actor.authority >= max(step.min_authority, required)
        else:
            assert actor.authority >= NEEDED[action]


def test_a_refusal_needs_what_the_refused_step_needs_including_separation_of_duties():
    approver = staff(3)
    reviewed = {approver.id: frozenset({CHAIN[1].id})}
    refused = rules.refusal(approver, case_at(CHAIN[2], done=reviewed), Action.REJECT)
    assert refused is not None and "不同人员" in refused.zh and not refused.conflict
    assert rules.refusal(approver, case_at(CHAIN[2]), Action.REJECT) is None


def test_the_same_step_again_after_a_return_is_not_a_second_step():
    dispatcher = staff(1, 1)
    assert rules.refusal(dispatcher, case_at(CHAIN[0], done={1: frozenset({1})}), Action.ACCEPT) is None


def test_the_state_refuses_before_the_person_and_says_so():
    refused = rules.refusal(staff(1), case_at(None, state=State.COMPLETED), Action.SUSPEND)
    assert refused is not None and refused.conflict and "中止" in refused.zh
    assert isinstance(refused.error(), rules.permissions.Conflict)


def test_a_return_only_for_a_dispatched_phase_and_only_within_two_working_days():
    cal = WeekCalendar()
    assert rules.return_allowed(routed_on=D(2026, 1, 9), today=D(2026, 1, 13), within=2, cal=cal)  # Fri -> Tue: 2
    assert not rules.return_allowed(routed_on=D(2026, 1, 9), today=D(2026, 1, 14), within=2, cal=cal)
    assert not rules.return_allowed(routed_on=None, today=D(2026, 1, 9), within=2, cal=cal)
    late = rules.refusal(staff(1), case_at(CHAIN[1], routed=True, returnable=False), Action.RETURN)
    assert late is not None and "2个工作日" in late.zh
    assert rules.refusal(staff(1), case_at(CHAIN[1], routed=False), Action.RETURN) is not None


def test_the_return_window_and_the_transfer_authority_are_the_items_not_the_rules():
    # given an item whose return window is 3 working days and whose transfers a clerk may make
    cal = WeekCalendar()
    # then a dispatch of Fri 9 Jan may be returned on Wed 14 (3 working days) but not on Thu 15
    assert rules.return_allowed(routed_on=D(2026, 1, 9), today=D(2026, 1, 14), within=3, cal=cal)
    assert not rules.return_allowed(routed_on=D(2026, 1, 9), today=D(2026, 1, 15), within=3, cal=cal)
    late = rules.refusal(staff(1), case_at(CHAIN[1], routed=True, returnable=False, return_days=3), Action.RETURN)
    assert late is not None and "3个工作日" in late.zh and "3 working days" in late.en
    clerk = staff(1, 1, role="clerk")
    assert rules.refusal(clerk, case_at(CHAIN[1], transfer_authority=1), Action.TRANSFER) is None
    # and where the item asks an approver, a reviewer is refused with the level named
    refused = rules.refusal(staff(2, 2, role="reviewer"), case_at(CHAIN[1], transfer_authority=3), Action.TRANSFER)
    assert refused is not None and "3级" in refused.zh and not refused.conflict


def test_offers_list_only_what_the_state_allows_with_the_refusals():
    offered = rules.offers(staff(1, 1, role="clerk"), case_at(CHAIN[1]))
    assert Action.REVIEW in offered and offered[Action.REVIEW] is not None  # shown, with the reason
    assert Action.ACCEPT not in offered and Action.RESUME not in offered
    assert offered[Action.ESCALATE] is None and offered[Action.EXTEND] is not None


def test_the_shown_state_of_an_overdue_case_is_never_plain_in_progress():
    assert rules.shown_state(State.IN_PROGRESS, overdue=2)[:2] == ("overdue", "已超期2个工作日")
    assert rules.shown_state(State.IN_PROGRESS, overdue=0)[0] == "in_progress"
    assert rules.shown_state(State.REJECTED, overdue=3)[0] == "rejected"


# --- purity ----------------------------------------------------------------------------------

RULES_DIR = Path(rules.__file__).parent


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_the_rules_import_no_django_and_no_model(path):
    allowed = ("shebao.cases.rules", "shebao.core.errors")
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert not name.startswith("django"), f"{path.name} imports {name}"
            assert not name.startswith("shebao") or name.startswith(allowed), f"{path.name} imports {name}"


def test_the_rules_handling_roles_are_cores():
    from shebao.cases import authority

    assert {str(r) for r in authority.HANDLING_ROLES} == rules.HANDLING_ROLES
    from shebao.cases.models import Case

    assert {str(s) for s in State} == set(Case.Status.values)

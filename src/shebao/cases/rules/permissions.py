"""Who may do what to a case now (三级风险控制), pure.

A staff action on a case needs (1) an active staff account of a case-handling role (a
monitor or an administrator watches, never acts), a bank outlet on card cases only; (2) the
authority the action or the current step needs; (3) the item's skill group (一岗通); (4) the
case's jurisdiction (the office or an office under it; the window that received an
application may also accept it); (5) never a case about oneself; and for the steps, (6)
separation of duties: nobody does two different steps of one case.

The facts come in as plain values (``ActorFacts``, ``CaseFacts``); :func:`refusal` answers
why not, or None. Services raise it (:func:`require`), pages and the API show :func:`offers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from shebao.cases.rules.states import STEP_ACTIONS, TRANSITIONS, Action, State, wrong_state
from shebao.core.errors import Conflict, NotAllowed, ShebaoError

# The values of core's Role for the roles that handle cases (kept equal by a test).
HANDLING_ROLES = frozenset({"clerk", "reviewer", "approver", "supervisor", "hotline", "bank_agent"})
BANK_AGENT = "bank_agent"
STAFF = "staff"
CARD_INSURANCE = "card"
EXTEND_AUTHORITY = 3  # 延期: an approver
TOP_AUTHORITY = 3


@dataclass(frozen=True)
class ActorFacts:
    id: int
    kind: str  # staff | citizen | unit
    role: str = ""
    active: bool = True
    authority: int = 0
    skill_groups: frozenset[int] = frozenset()
    office: int | None = None
    jurisdiction: frozenset[int] = frozenset()  # offices whose cases they work on
    id_number: str = ""
    unit_code: str = ""


@dataclass(frozen=True)
class StepFacts:
    id: int
    kind: str
    min_authority: int
    name: str = ""


@dataclass(frozen=True)
class CaseFacts:
    state: State
    insurance: str
    skill_group: int
    office: int
    receiving_office: int | None = None
    applicant_id_number: str = ""
    applicant_unit_code: str = ""
    required_authority: int = 1
    # the current step; for a case still awaiting its first materials, its first step
    step: StepFacts | None = None
    # who did which steps: actor id -> step ids
    steps_by: Mapping[int, frozenset[int]] = field(default_factory=dict)
    clock_running: bool = False
    routed: bool = False  # the current phase came to its office by dispatch
    returnable: bool = False  # ... and may still be returned (within the window)
    # the item's settings (catalogue data, ServiceItem): the working days within which a wrong
    # dispatch is returned, and the authority a transfer to another office needs
    return_days: int = field(kw_only=True)
    transfer_authority: int = field(kw_only=True)


@dataclass(frozen=True)
class Refusal:
    zh: str
    en: str
    conflict: bool = False  # the case's state refuses (409), not the actor's rights (403)

    def error(self) -> ShebaoError:
        return (Conflict if self.conflict else NotAllowed)(self.zh, self.en)


def _state(zh: str, en: str) -> Refusal:
    return Refusal(zh, en, conflict=True)


def _who(actor: ActorFacts | None, case: CaseFacts) -> Refusal | None:
    if actor is None or actor.kind != STAFF or not actor.active:
        return Refusal("仅限经办人员办理", "Only agency staff may do this")
    if actor.role not in HANDLING_ROLES:
        return Refusal("您的岗位不办理业务", "Your role does not act on cases")
    if actor.role == BANK_AGENT and case.insurance != CARD_INSURANCE:
        return Refusal("银行代理点只能办理社保卡业务", "A bank outlet may handle card services only")
    return None


def _self(actor: ActorFacts, case: CaseFacts) -> Refusal | None:
    if actor.id_number and actor.id_number == case.applicant_id_number:
        return Refusal("不能办理与本人有关的业务", "You may not handle a case about yourself")
    return None


def _authority(actor: ActorFacts, needed: int) -> Refusal | None:
    if actor.authority < needed:
        return Refusal(
            f"该环节需要{needed}级权限，您为{actor.authority}级",
            f"This step needs authority level {needed}; you have {actor.authority}",
        )
    return None


def _skill(actor: ActorFacts, case: CaseFacts) -> Refusal | None:
    if case.skill_group not in actor.skill_groups:
        return Refusal("该事项不在您的业务技能组内", "This item is not in your skill groups")
    return None


def _jurisdiction(actor: ActorFacts, case: CaseFacts, *, receiving_may: bool = False) -> Refusal | None:
    if case.office in actor.jurisdiction:
        return None
    if receiving_may and case.receiving_office is not None and actor.office == case.receiving_office:
        return None
    return Refusal("该办件不属于您所在机构管辖", "This case is outside your office's jurisdiction")


def _first(*checks: Refusal | None) -> Refusal | None:
    return next((c for c in checks if c is not None), None)


def _step(actor: ActorFacts | None, case: CaseFacts, *, separate: bool) -> Refusal | None:
    """A step of the case (or what only those who could do it may do: pause, resume)."""
    step = case.step
    if step is None:
        return _state("该办件当前没有待办环节", "The case has no current step")
    who = _who(actor, case)
    if who is not None or actor is None:
        return who
    # The window that received an application may accept it (受理) even when another office
    # has jurisdiction (a card loss reported to 12333 or at a bank outlet).
    checks = _first(
        _authority(actor, max(step.min_authority, case.required_authority)),
        _skill(actor, case),
        _jurisdiction(actor, case, receiving_may=step.kind == Action.ACCEPT),
        _self(actor, case),
    )
    if checks is not None:
        return checks
    done = case.steps_by.get(actor.id, frozenset())
    if separate and done - {step.id}:
        return Refusal(
            "同一办件的不同环节须由不同人员办理",
            "Another person must do this step: you did an earlier step of this case",
        )
    return None


def _handler(actor: ActorFacts | None, case: CaseFacts) -> Refusal | None:
    """Staff of the case's office with the item's skill group."""
    who = _who(actor, case)
    if who is not None or actor is None:
        return who
    return _first(_self(actor, case), _jurisdiction(actor, case), _skill(actor, case))


def _window(actor: ActorFacts | None, case: CaseFacts) -> Refusal | None:
    """Staff recording a supplement or a withdrawal: the case's office or the window that
    received it. (What the applicant may do on their own case is the filer's right, decided by
    ``cases.authority.applicant_owns``; these rules answer for staff.)"""
    who = _who(actor, case)
    if who is not None or actor is None:
        return who
    return _first(_self(actor, case), _jurisdiction(actor, case, receiving_may=True))


def refusal(actor: ActorFacts | None, case: CaseFacts, action: Action) -> Refusal | None:
    """Why ``actor`` may not do ``action`` on ``case`` now; None when they may."""
    starts, _ends = TRANSITIONS[action]
    if case.state not in starts:
        return _state(*wrong_state(case.state, action))
    if action in STEP_ACTIONS:
        if case.step is not None and case.step.kind != action:
            return _state(f"当前环节是“{case.step.name}”", f"The current step is {case.step.kind}, not {action}")
        return _step(actor, case, separate=True)
    if action == Action.REJECT:
        return _step(actor, case, separate=True)
    if action in (Action.REQUEST_MATERIALS, Action.SUSPEND, Action.RESUME):
        return _step(actor, case, separate=False)
    if action in (Action.SUPPLEMENT, Action.WITHDRAW):
        return _window(actor, case)
    if action == Action.OUTSIDE_DONE and actor is None:
        return None  # the system records what the outside party reported
    if action == Action.EXTEND and not case.clock_running:
        return _state(*wrong_state(case.state, action))
    base = _handler(actor, case)
    if base is not None or actor is None:
        return base
    if action == Action.EXTEND and actor.authority < EXTEND_AUTHORITY:
        return Refusal("延期须由三级审批权限人员批准", "An extension needs an approver (authority level 3)")
    if action == Action.TRANSFER and actor.authority < case.transfer_authority:
        needed = case.transfer_authority
        return Refusal(
            f"移交其他机构须由{needed}级以上权限人员办理", f"A transfer needs authority level {needed} or above"
        )
    if action == Action.ESCALATE and case.required_authority >= TOP_AUTHORITY:
        return _state("该环节已是最高权限", "The step already needs the highest authority")
    if action == Action.RETURN:
        if not case.routed:
            return _state("该环节不是派单转来的，不能退回", "This phase was not dispatched to your office")
        if not case.returnable:
            days = case.return_days
            return _state(
                f"已超过退回期限：派单错误须在收到后{days}个工作日内退回",
                f"Too late: a wrong dispatch is returned within {days} working days of receiving it",
            )
    return None


def require(actor: ActorFacts | None, case: CaseFacts, action: Action) -> None:
    """Raise the refusal (NotAllowed, or Conflict for the case's state) or return."""
    refused = refusal(actor, case, action)
    if refused is not None:
        raise refused.error()


def offers(actor: ActorFacts | None, case: CaseFacts) -> dict[Action, Refusal | None]:
    """Every action the case's state allows now, each with the actor's refusal or None: what a
    page shows (the allowed ones, and why the current step is not theirs)."""
    answer: dict[Action, Refusal | None] = {}
    for action, (starts, _ends) in TRANSITIONS.items():
        if case.state not in starts:
            continue
        if action in STEP_ACTIONS and (case.step is None or case.step.kind != action):
            continue
        answer[action] = refusal(actor, case, action)
    return answer

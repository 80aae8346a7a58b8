"""States of a case and the actions that move it between them (pure).

The values are those of ``Case.Status`` (the model's choices repeat them with their labels);
``TRANSITIONS`` says from which states each action may start and where it may end, and is
what every command checks first.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class State(StrEnum):
    AWAITING_MATERIALS = "awaiting_materials"
    IN_PROGRESS = "in_progress"
    SUSPENDED = "suspended"
    WAITING_OUTSIDE = "waiting_outside"
    COMPLETED = "completed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


OPEN = frozenset({State.AWAITING_MATERIALS, State.IN_PROGRESS, State.SUSPENDED, State.WAITING_OUTSIDE})
CLOSED = frozenset({State.COMPLETED, State.REJECTED, State.WITHDRAWN})

STATE_LABELS: Mapping[State, tuple[str, str]] = {
    State.AWAITING_MATERIALS: ("待补正材料", "Awaiting materials"),
    State.IN_PROGRESS: ("办理中", "In progress"),
    State.SUSPENDED: ("中止", "Suspended"),
    State.WAITING_OUTSIDE: ("等待外部办理", "Waiting for an outside party"),
    State.COMPLETED: ("已办结", "Completed"),
    State.REJECTED: ("不予受理/不予办理", "Rejected"),
    State.WITHDRAWN: ("已撤回", "Withdrawn"),
}


class Action(StrEnum):
    # the steps of an item's phases (受理 / 复核 / 审批 / 回访 / 答复)
    ACCEPT = "accept"
    REVIEW = "review"
    APPROVE = "approve"
    CALLBACK = "callback"
    REPLY = "reply"
    # what staff or the applicant do around the steps
    REJECT = "reject"
    REQUEST_MATERIALS = "request_materials"
    SUPPLEMENT = "supplement"
    SUSPEND = "suspend"
    RESUME = "resume"
    EXTEND = "extend"
    ESCALATE = "escalate"
    OUTSIDE_DONE = "outside_done"
    WITHDRAW = "withdraw"
    # re-routing: the office of a phase changes after opening
    RETURN = "return"
    TRANSFER = "transfer"


STEP_ACTIONS = frozenset({Action.ACCEPT, Action.REVIEW, Action.APPROVE, Action.CALLBACK, Action.REPLY})

_ADVANCED = frozenset({State.IN_PROGRESS, State.WAITING_OUTSIDE, State.COMPLETED})

# action -> (states it may start from, states it may leave the case in)
TRANSITIONS: Mapping[Action, tuple[frozenset[State], frozenset[State]]] = {
    **{a: (frozenset({State.IN_PROGRESS}), _ADVANCED) for a in STEP_ACTIONS},
    Action.REJECT: (frozenset({State.IN_PROGRESS, State.AWAITING_MATERIALS}), frozenset({State.REJECTED})),
    Action.REQUEST_MATERIALS: (frozenset({State.IN_PROGRESS}), frozenset({State.AWAITING_MATERIALS})),
    Action.SUPPLEMENT: (
        frozenset({State.AWAITING_MATERIALS}),
        frozenset({State.AWAITING_MATERIALS, State.IN_PROGRESS, State.WAITING_OUTSIDE}),
    ),
    Action.SUSPEND: (frozenset({State.IN_PROGRESS}), frozenset({State.SUSPENDED})),
    Action.RESUME: (frozenset({State.SUSPENDED}), frozenset({State.IN_PROGRESS})),
    Action.EXTEND: (frozenset({State.IN_PROGRESS}), frozenset({State.IN_PROGRESS})),
    Action.ESCALATE: (frozenset({State.IN_PROGRESS}), frozenset({State.IN_PROGRESS})),
    Action.OUTSIDE_DONE: (frozenset({State.WAITING_OUTSIDE}), _ADVANCED),
    Action.WITHDRAW: (OPEN, frozenset({State.WITHDRAWN})),
    Action.RETURN: (frozenset({State.IN_PROGRESS}), frozenset({State.IN_PROGRESS})),
    Action.TRANSFER: (frozenset({State.IN_PROGRESS}), frozenset({State.IN_PROGRESS})),
}

# What the applicant or clerk is told when the case is not in a state the action starts from.
WRONG_STATE: Mapping[Action, tuple[str, str]] = {
    Action.REJECT: ("该办件已结束，不能再作处理", "The case is closed"),
    Action.REQUEST_MATERIALS: ("只有办理中的办件可以要求补正", "Only a case in progress can ask for materials"),
    Action.SUPPLEMENT: ("该办件没有待补正的材料", "The case is not waiting for materials"),
    Action.SUSPEND: ("只有办理中的办件可以中止", "Only a case in progress can be suspended"),
    Action.RESUME: ("该办件未中止", "The case is not suspended"),
    Action.EXTEND: ("只有计时中的办件可以延期", "Only a case whose clock runs can be extended"),
    Action.ESCALATE: ("只有办理中的办件可以上报", "Only a case in progress can be referred up"),
    Action.OUTSIDE_DONE: ("该办件未在等待外部办理", "The case is not waiting for an outside party"),
    Action.WITHDRAW: ("该办件已结束，不能撤回", "The case is closed and cannot be withdrawn"),
    Action.RETURN: ("只有办理中的办件可以退回", "Only a case in progress can be returned"),
    Action.TRANSFER: ("只有办理中的办件可以移交", "Only a case in progress can be transferred"),
}


def wrong_state(state: State, action: Action) -> tuple[str, str]:
    """The refusal of ``action`` on a case in ``state`` (Chinese, English)."""
    if action in WRONG_STATE:
        return WRONG_STATE[action]
    zh, en = STATE_LABELS[state]
    return f"办件当前状态为“{zh}”，不能办理该环节", f"The case is {en.lower()}; the step {action} cannot be done"


def shown_state(state: State, *, overdue: int) -> tuple[str, str, str]:
    """What a page shows for a case: its state, except that a case in progress whose clock ran
    out is "overdue", never plainly "in progress" (an outside party's phase runs on the other
    party's clock, not ours). Returns (key, Chinese, English)."""
    if state == State.IN_PROGRESS and overdue > 0:
        return "overdue", f"已超期{overdue}个工作日", f"Overdue by {overdue} working day{'s' if overdue > 1 else ''}"
    zh, en = STATE_LABELS[state]
    return str(state), zh, en

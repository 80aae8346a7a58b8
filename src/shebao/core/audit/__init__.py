"""The audit chain: who did what, where, on whose record, before and after — tamper-evident.

- :mod:`.chain` records events (``record``), each hashed over its content and its predecessor;
- :mod:`.actions` is the enumeration of actions the apps declare (``record`` refuses others);
- :mod:`.anchor` signs checkpoints of the chain's head with a key outside the database and
  exports them to an append-only file;
- :mod:`.verify` walks the chain against its checkpoints (``shebao audit verify``);
- :mod:`.admin` is the base of every Django admin, which records each admin change.

Services use it as ``from shebao.core import audit`` → ``audit.record(...)``.
"""

from shebao.core.audit.actions import (
    AuditAction,
    AuditActions,
    UnknownAuditAction,
    audit_actions,
)
from shebao.core.audit.anchor import AuditChainBroken, checkpoint_write
from shebao.core.audit.chain import GENESIS, event_hash, record
from shebao.core.audit.verify import Verification, verify

__all__ = [
    "GENESIS",
    "AuditAction",
    "AuditActions",
    "AuditChainBroken",
    "UnknownAuditAction",
    "Verification",
    "audit_actions",
    "checkpoint_write",
    "event_hash",
    "record",
    "verify",
]

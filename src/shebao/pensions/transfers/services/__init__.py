"""Transfer commands: the only code that writes the transfers and the platform's messages.

Into the city (转入, YL-003): the person applies here; phase 1 (ours) ends with the acceptance
letter, written to the platform outbox in the transaction that finishes the phase
(:func:`transfer_act`), or by :func:`transfers_reconcile` when the step was done on the
engine's own case page; phase 2 (the original agency's, outside our timers) ends when both the
information form and the fund notice have arrived (:func:`platform_receive`); phase 3 (ours)
ends in the case's completion, whose handler calls :func:`transfer_in_complete`.

Out of the city (转出, YL-013): the new agency's letter arrives through the platform and opens
the case (:func:`platform_receive`); our one phase ends in its completion, whose handler calls
:func:`transfer_out_complete`: arrears refuse it (第七条), otherwise the amount is computed, the
relationship closed, the balance debited and the form and the fund notice sent. The other
agency's phases are recorded from its messages' dates.

What we send goes to the outbox first; :func:`platform_send_pending` hands it to the adapter
after the commit (the platform job), and :func:`platform_simulate` lets the simulated
counterpart answer when its working days have passed.

By concern: ``common`` (audit, telling the person, the outbox, arrears), ``acting`` (the case's
steps, the letter, refusals, the catch-up, phase 3), ``outgoing`` (the transfer out),
``messages`` (receiving and sending) and ``simulated`` (the counterpart and the platform job).
"""

from shebao.pensions.transfers.services.acting import (
    temporary_account_for,
    transfer_act,
    transfer_in_complete,
    transfer_in_draft,
    transfer_in_record,
    transfer_refuse,
    transfer_refuse_arrears,
    transfer_sync,
    transfers_reconcile,
)
from shebao.pensions.transfers.services.common import Owed, transfer_out_arrears, transfer_out_owed
from shebao.pensions.transfers.services.messages import Receipt, platform_receive, platform_send_pending
from shebao.pensions.transfers.services.outgoing import transfer_out_amount, transfer_out_complete
from shebao.pensions.transfers.services.simulated import (
    platform_letter_simulate,
    platform_simulate,
    platform_tick,
)

__all__ = [
    "Owed",
    "Receipt",
    "platform_letter_simulate",
    "platform_receive",
    "platform_send_pending",
    "platform_simulate",
    "platform_tick",
    "temporary_account_for",
    "transfer_act",
    "transfer_in_complete",
    "transfer_in_draft",
    "transfer_in_record",
    "transfer_out_amount",
    "transfer_out_arrears",
    "transfer_out_complete",
    "transfer_out_owed",
    "transfer_refuse",
    "transfer_refuse_arrears",
    "transfer_sync",
    "transfers_reconcile",
]

"""A person's delivery preference: paper by post, or electronic (a message with a link)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from shebao.core import audit
from shebao.core.errors import InvalidInput, NotFound
from shebao.core.models import Account
from shebao.registry.models import Person
from shebao.registry.selectors import persons_visible
from shebao.statements.mailing.models import DeliveryPreference
from shebao.statements.mailing.services.common import is_window_staff


def delivery_preference_set(*, actor: Account, person: Person, mode: str, channel: str) -> DeliveryPreference:
    """The person's choice of paper or electronic statements: by the person themself (online,
    app) or by a clerk who may see them (window). NotFound for anyone else, nothing written."""
    if mode not in DeliveryPreference.Mode.values:
        raise InvalidInput("寄送方式应为纸质或电子", "Delivery is paper or electronic", field="mode")
    own = person.account_id is not None and actor is not None and person.account_id == actor.pk
    staff = is_window_staff(actor)
    if not (own or staff) or not persons_visible(actor=actor).filter(pk=person.pk).exists():
        raise NotFound("未找到该参保人", "No such insured person")
    with transaction.atomic():
        before = DeliveryPreference.objects.filter(person=person).values_list("mode", flat=True).first()
        preference, _ = DeliveryPreference.objects.update_or_create(
            person=person,
            defaults={"mode": mode, "changed_at": timezone.now(), "changed_by": actor, "channel": channel},
        )
        audit.record(
            actor=actor,
            action="mailing.preference",
            subject_type="registry.Person",
            subject_id=person.pk,
            subject_person=person.id_number,
            before={"mode": before or DeliveryPreference.Mode.PAPER},
            after={"mode": mode},
            channel=channel,
        )
    return preference

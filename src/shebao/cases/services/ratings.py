"""The applicant's rating of a finished case (好差评), and the follow-up case a poor rating opens."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from shebao.cases import authority
from shebao.cases.items import FOLLOW_UP_CODE
from shebao.cases.models import (
    Case,
    CaseRating,
)
from shebao.cases.services.common import _audit
from shebao.cases.services.opening import _open_one
from shebao.catalog.definitions import Applicant
from shebao.catalog.selectors import item_get
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotFound
from shebao.core.models import Account


def case_rate(
    *, actor: Account, case_id: int, score: int, comment: str = "", channel: str = Channel.ONLINE
) -> CaseRating:
    """好差评: the applicant rates a completed case once. A rating of 不满意 or worse opens a
    follow-up case at the office, with its own deadline."""
    if score not in CaseRating.Score.values:
        raise InvalidInput("评价等级应为1至5", "A rating is 1 to 5", field="score")
    with transaction.atomic():
        case = Case.objects.select_related("item", "office").filter(pk=case_id).first()
        if case is None:
            raise NotFound("办件不存在", "Case not found")
        if not authority.applicant_owns(actor, case):
            raise NotFound("办件不存在", "Case not found")
        if case.status != Case.Status.COMPLETED:
            raise Conflict("办件办结后才能评价", "A case can be rated once it is completed")
        try:
            with transaction.atomic():
                rating = CaseRating.objects.create(
                    case=case, score=score, comment=comment[:1000], rated_at=timezone.now()
                )
        except IntegrityError:
            raise Conflict("该办件已评价过", "This case has already been rated") from None
        if score <= CaseRating.Score.DISSATISFIED:
            item = item_get(code=FOLLOW_UP_CODE)
            follow = _open_one(
                actor=None,
                item=item,
                applicant=Applicant(
                    id_number=case.applicant_id_number,
                    name=case.applicant_name,
                    account=case.applicant_account,
                    unit_code=case.applicant_unit_code,
                ),
                channel=Channel.SYSTEM,
                form={"rated_case": case.number, "score": score, "comment": comment},
                materials={},
                receiving_office=case.office,
                phone=case.applicant_phone,
                group_ref="",
            )
            rating.follow_up = follow
            rating.save(update_fields=["follow_up"])
        _audit(
            case, actor=actor, action="rate", channel=channel, after={"score": score, "follow_up": rating.follow_up_id}
        )
    return rating

"""The trials' daily duty (the worker's sweep): trials ending within ``TRIAL_ENDING_DAYS`` get an event once;
ended ones expire."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from providers import PROFILES

from hub.core import events
from hub.core.db.models import Enrollment
from hub.onboarding.states import TRIAL_ENDING_DAYS


async def sweep(session: AsyncSession, today: date) -> None:
    active = await session.scalars(select(Enrollment).where(Enrollment.state == "trial_active",
                                                            Enrollment.trial_end.is_not(None))
                                   .order_by(Enrollment.id).with_for_update()
                                   .execution_options(populate_existing=True))
    for enrollment in active:
        assert enrollment.trial_end is not None
        if enrollment.trial_end < today:
            enrollment.state = "expired"
            events.emit(session, enrollment, "trial_expired", trial_end=enrollment.trial_end.isoformat())
        elif not enrollment.trial_ending_noticed and (enrollment.trial_end - today).days <= TRIAL_ENDING_DAYS:
            enrollment.trial_ending_noticed = True
            events.emit(session, enrollment, "trial_ending", trial_end=enrollment.trial_end.isoformat(),
                        rule=PROFILES[enrollment.provider].trial_rule)

"""The support-service workflow and the consent rule for referrals.

    planned -> referred -> accepted -> in-progress -> completed
    (a service given by the organization itself goes planned -> in-progress)
    referred -> declined;  any open state -> cancelled

Completed, declined and cancelled are final: a new need is a new service, so
the history of what was tried stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from hrdesk.core import vocab
from hrdesk.core.errors import ValidationError
from hrdesk.i18n import _

TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"referred", "in-progress", "cancelled"}),
    "referred": frozenset({"accepted", "declined", "cancelled"}),
    "accepted": frozenset({"in-progress", "cancelled"}),
    "in-progress": frozenset({"completed", "cancelled"}),
    "completed": frozenset(),
    "declined": frozenset(),
    "cancelled": frozenset(),
}
FINAL = frozenset(status for status, moves in TRANSITIONS.items() if not moves)
OPEN = frozenset(TRANSITIONS) - FINAL
# Statuses in which a service is in a provider's hands: with an external provider,
# reaching one of them is a referral.
HANDED_OVER = frozenset({"referred", "accepted", "in-progress", "completed"})


def check_transition(current: str, new: str, path: str = "status") -> None:
    if new == current:
        return
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or _("none (this status is final)")
        raise ValidationError(
            path,
            _("a service cannot go from “{current}” to “{new}” (possible: {allowed})").format(
                current=vocab.label("service-status", current),
                new=vocab.label("service-status", new),
                allowed=allowed,
            ),
        )


@dataclass(frozen=True)
class ConsentRecord:
    scope: str
    granted: bool
    date: str
    withdrawn_on: str | None


def consent_in_force(records: list[ConsentRecord], scope: str, on: str) -> bool:
    """Did the person consent to ``scope``, as of ``on`` (ISO date)? The latest
    record for the scope decides; a withdrawal on or before ``on`` revokes it."""
    relevant = sorted(
        (r for r in records if r.scope == scope and r.date <= on), key=lambda r: r.date
    )
    if not relevant:
        return False
    latest = relevant[-1]
    return latest.granted and not (latest.withdrawn_on and latest.withdrawn_on <= on)


def check_referral_allowed(
    records: list[ConsentRecord], on: str, override_reason: str | None, path: str = "status"
) -> None:
    """A referral needs consent to refer, or an explicit override with a reason."""
    if consent_in_force(records, "refer-providers", on):
        return
    if override_reason and override_reason.strip():
        return
    raise ValidationError(
        path,
        _(
            "this person has no consent in force to be referred to providers; record "
            "their consent, or give a reason to override (consent_override)"
        ),
    )

"""Invitations and the subscribers they become, with their cards (FAM-ONB-01…04, FR-ONB-02, FK-ONB-02,
MED-ONB-04…08)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from ...cards import missing_card_fields
from .core import FreshCore
from .records import (
    CARD_KEYS,
    STANDARD_TRIAL,
    FreshPartner,
    Invitation,
    Refusal,
    Subscriber,
    bad,
    not_found,
    refuse,
    text_of,
)


class Subscribers(FreshCore):
    def tick(self) -> None:
        """Let the customers act: invitations past the activation delay become subscribers."""
        due = self.now() - timedelta(seconds=self.activation_delay)
        for invitation in self.invitations.values():
            if invitation.status == "sent" and invitation.sent_at <= due:
                self.activate(invitation.id)

    # --- invitations (FAM-ONB-01…03, MED-ONB-04…06) -----------------------------------------------------
    def send_invitation(self, params: dict[str, Any], who: FreshPartner | None = None) -> Invitation:
        who = self._who(who)
        missing = [f for f in self.profile.invitation_fields if not params.get(f)]
        if missing:
            raise refuse(self.profile.invitation_rule, f"the invitation lacks: {', '.join(missing)}")
        email = str(params["email"]).strip().lower()
        if self.profile.requires_certificate and not self.certificates.is_issued(email, self.now()):
            raise refuse("MED-ONB-04", f"{email} has no issued Континент-АП certificate: request it first (MED-ONB-02)")
        self.tick()
        if any(i.email == email and i.status in ("sent", "activated") and i.partner_account != who.account
               for i in self.invitations.values()):
            raise Refusal(10409, "an invitation to this e-mail is live at another partner's account")
        tariff, days = self._trial_tariff(params.get("tariff"))
        invitation = Invitation(self._id("invitation"), email, tariff, days,
                                {k: params[k] for k in self.profile.invitation_fields if k in params}, self.now(),
                                partner_account=who.account, inn=text_of(params.get("inn")),
                                bin_iin=text_of(params.get("bin_iin")))
        self.invitations[invitation.id] = invitation
        return invitation

    def _trial_tariff(self, ref: str | None) -> tuple[str, int]:
        """The invitation's initial tariff and its length: the one it names (FAM-ONB-03, MED-ONB-05/06), else the
        profile's default — a catalog tariff (medicine) or the standard trial (FR-ONB-01, FK-ONB-01; the
        kz catalog's 15-day «1С:Кассир Тестовый» is a tariff one asks for, FK-SUB-19)."""
        if ref is None:
            if self.profile.trial_tariff is None:
                return STANDARD_TRIAL, self.profile.trial_days
            ref = self.profile.trial_tariff
        tariff = self.catalog.tariff(ref)
        if tariff is None:
            raise bad(f"unknown tariff {ref!r}")
        if tariff.kind != "trial":
            raise refuse("FAM-ONB-02", f"{tariff.label!r} is a paid tariff; it can never be an invitation's initial tariff")
        return tariff.name, tariff.days or self.profile.trial_days

    def invitation(self, invitation_id: int, who: FreshPartner | None = None) -> Invitation:
        self.tick()
        found = self.invitations.get(invitation_id)
        if found is None or found.partner_account != self._who(who).account:
            raise not_found(f"invitation {invitation_id}")
        return found

    def invitations_of(self, who: FreshPartner | None = None, email: str = "") -> list[Invitation]:
        self.tick()
        account = self._who(who).account
        return [i for i in self.invitations.values() if i.partner_account == account and (not email or i.email == email)]

    def block_invitation(self, invitation_id: int, who: FreshPartner | None = None) -> Invitation:
        invitation = self.invitation(invitation_id, who)
        if invitation.status != "sent":
            raise refuse("FAM-ONB-01", f"invitation {invitation_id} is {invitation.status}; only a pending one can be blocked")
        invitation.status = "blocked"
        return invitation

    def activate(self, invitation_id: int) -> Invitation:
        invitation = self.invitations.get(invitation_id)
        if invitation is None:
            raise not_found(f"invitation {invitation_id}")
        if invitation.status != "sent":
            return invitation
        number = self._id("subscriber")
        start = self.today()
        card = {k: None for k in CARD_KEYS}
        card.update(email=invitation.email, legal_name=invitation.fields.get("organisation"),
                    inn=invitation.inn or invitation.fields.get("inn"), bin_iin=invitation.bin_iin,
                    phone=invitation.fields.get("phone"))
        self.subscribers[number] = Subscriber(number, card, invitation.tariff, start,
                                              start + timedelta(days=invitation.trial_days - 1), invitation.id,
                                              partner_account=invitation.partner_account)
        invitation.status, invitation.subscriber, invitation.activated_at = "activated", number, self.now()
        return invitation

    # --- subscribers and their cards (FAM-ONB-04, FR-ONB-02, FK-ONB-02, MED-ONB-08) ---------------------
    def subscriber(self, number: Any, who: FreshPartner | None = None) -> Subscriber:
        self.tick()
        try:
            found = self.subscribers[int(number)]
        except (KeyError, TypeError, ValueError):
            raise not_found(f"subscriber {number}") from None
        if found.partner_account != self._who(who).account:
            raise not_found(f"subscriber {number}")
        return found

    def subscribers_of(self, who: FreshPartner | None = None) -> list[Subscriber]:
        self.tick()
        account = self._who(who).account
        return [s for s in self.subscribers.values() if s.partner_account == account]

    def update_card(self, number: Any, changes: dict[str, Any], who: FreshPartner | None = None) -> Subscriber:
        subscriber = self.subscriber(number, who)
        unknown = sorted(set(changes) - set(CARD_KEYS))
        if unknown:
            raise bad(f"unknown card fields: {', '.join(unknown)}")
        subscriber.card.update(changes)
        return subscriber

    def card_missing(self, subscriber: Subscriber) -> list[str]:
        """FAM-ONB-04: the profile's card fields still missing (the rule the hub applies too, providers/cards.py)."""
        return missing_card_fields(subscriber.card, self.profile.card_fields)

    # --- further users of a subscriber (MED-ONB-02: «Как подключить других сотрудников») -----------------
    def add_users(self, params: dict[str, Any], who: FreshPartner | None = None) -> list[dict[str, Any]]:
        """Users added to a subscriber after its owner: each needs its own issued certificate where the
        cloud requires one (MED-ONB-04); one already there is not added twice (a retry after a lost answer)."""
        subscriber = self.subscriber(params.get("subscriber"), who)
        users = params.get("users")
        if not isinstance(users, list) or not users or not all(isinstance(u, dict) for u in users):
            raise bad("users: a list of {name, email, phone}")
        known = {u["email"] for u in subscriber.users}
        for user in users:
            email = str(user.get("email") or "").strip().lower()
            if not email or not user.get("name"):
                raise bad("every user has a name and an e-mail")
            if self.profile.requires_certificate and not self.certificates.is_issued(email, self.now()):
                raise refuse("MED-ONB-04", f"{email} has no issued Континент-АП certificate: request it first (MED-ONB-02)")
        for user in users:
            email = str(user["email"]).strip().lower()
            if email not in known:
                subscriber.users.append({"name": str(user["name"]), "email": email, "phone": user.get("phone"),
                                         "added_at": self.now().isoformat()})
                known.add(email)
        return subscriber.users


"""/boardbot settings [immediate|daily]: how a person wants their reminders."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import models as m
from bot.boards import person_for
from bot.render import reply
from bot.reply import Reply
from bot.request import CommandRequest
from reminders.ledger import set_delivery

CHOICES = {
    "immediate": m.DeliveryPreference.IMMEDIATE,
    "immediately": m.DeliveryPreference.IMMEDIATE,
    "each": m.DeliveryPreference.IMMEDIATE,
    "now": m.DeliveryPreference.IMMEDIATE,
    "daily": m.DeliveryPreference.DAILY,
    "digest": m.DeliveryPreference.DAILY,
    "day": m.DeliveryPreference.DAILY,
}


def run(request: CommandRequest, session: Session, words: list[str]) -> Reply:
    """`words` are what follows `settings`."""
    person = person_for(session, request)
    if person is None:
        return reply("settings.json.j2", person=None, current=None, changed=False, unknown="")
    wanted = " ".join(words).lower().strip()
    preference = session.get(m.ReminderPreference, person.id)
    current = m.DeliveryPreference(preference.delivery) if preference else m.DeliveryPreference.IMMEDIATE
    if not wanted:
        return reply("settings.json.j2", person=person, current=current.value, changed=False, unknown="")
    choice = next((CHOICES[w] for w in wanted.replace("digest", "daily").split() if w in CHOICES), None)
    if choice is None:
        return reply("settings.json.j2", person=person, current=current.value, changed=False, unknown=wanted)
    set_delivery(session, person.id, choice, request.now)
    return reply("settings.json.j2", person=person, current=choice.value, changed=True, unknown="")

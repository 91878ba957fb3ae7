"""Feed tokens and URLs: `/calendar/TOKEN.ics` (my boards), `/calendar/TOKEN/BOARD.ics` (one board),
`/calendar/meeting/ID-SIGNATURE.ics` (one meeting, as /nextmeeting offers it).

A token is an HMAC of the feed row's random nonce under a key derived from the Slack signing secret,
so the database alone (which keeps only the token's SHA-256 and the nonce) gives no working URL,
and BoardBot can still show a member their URL again. A new nonce revokes the old URL. A meeting's
link is signed the same way and shows only what the /nextmeeting reply beside it shows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import models as m
from bot.config import Settings

PREFIX = "/calendar/"
TOKEN_BYTES = 24  # 192 bits: 39 characters (base32, lower case: nothing Slack's mrkdwn would format)
SIGNATURE_BYTES = 16  # a meeting link's signature: 128 bits, 26 characters
KEY_LABEL = b"boardbot calendar feeds v1"  # the key is the signing secret's HMAC of this label
TOKEN_RE = re.compile(r"^[a-z2-7]{20,64}$")
MEETING_RE = re.compile(r"^meeting/(\d{1,12})-([a-z2-7]{20,64})\.ics$")


@dataclass(frozen=True)
class Site:
    """Where feeds are served (BOARDBOT_PUBLIC_URL, without a trailing slash) and the key of their tokens."""

    base_url: str
    key: bytes

    @classmethod
    def of(cls, settings: Settings) -> Site | None:
        """The site, or None when feeds are not set up (no public URL or no signing secret)."""
        if not (settings.public_url and settings.slack_signing_secret):
            return None
        key = hmac.new(settings.slack_signing_secret.encode(), KEY_LABEL, hashlib.sha256).digest()
        return cls(settings.public_url.rstrip("/"), key)

    def sign(self, message: str, size: int) -> str:
        digest = hmac.new(self.key, message.encode(), hashlib.sha256).digest()[:size]
        return base64.b32encode(digest).decode().rstrip("=").lower()

    def token(self, feed: m.CalendarFeed) -> str:
        return self.sign(f"feed:{feed.nonce}", TOKEN_BYTES)

    def person_url(self, token: str) -> str:
        return f"{self.base_url}{PREFIX}{token}.ics"

    def board_url(self, token: str, board: m.Board) -> str:
        return f"{self.base_url}{PREFIX}{token}/{board.key}.ics"

    def meeting_url(self, meeting: m.Meeting) -> str:
        return f"{self.base_url}{PREFIX}meeting/{meeting.id}-{self.sign(f'meeting:{meeting.id}', SIGNATURE_BYTES)}.ics"

    def meeting_signed(self, meeting_id: int, signature: str) -> bool:
        expected = self.sign(f"meeting:{meeting_id}", SIGNATURE_BYTES)
        return hmac.compare_digest(expected.encode(), signature.encode())


SITE: Site | None = None  # where this process's feeds are: set by bot.app.create_app from its settings


def configure(settings: Settings) -> None:
    """Commands read the site through current(): they are given a request and a session, not settings."""
    global SITE
    SITE = Site.of(settings)


def current() -> Site | None:
    return SITE


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_token(session: Session, site: Site, person: m.Person, now: datetime, *, renew: bool = False) -> str:
    """The person's feed token, made on first asking; `renew` (or a changed key) revokes the old one."""
    feed = session.scalar(select(m.CalendarFeed).where(m.CalendarFeed.person_id == person.id))
    if feed is not None and not renew and feed.token_hash == token_hash(site.token(feed)):
        return site.token(feed)
    if feed is None:
        feed = m.CalendarFeed(person_id=person.id)
        session.add(feed)
    feed.nonce = secrets.token_hex(16)
    feed.token_hash = token_hash(site.token(feed))
    feed.created_at = now
    session.flush()
    return site.token(feed)


def person_of(session: Session, token: str) -> m.Person | None:
    """The person whose live feed token this is (None for a token never made or since revoked)."""
    if not TOKEN_RE.match(token):
        return None
    return session.scalar(
        select(m.Person)
        .join(m.CalendarFeed, m.CalendarFeed.person_id == m.Person.id)
        .where(m.CalendarFeed.token_hash == token_hash(token))
    )

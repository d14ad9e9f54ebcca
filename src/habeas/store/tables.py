"""The database tables (SQLAlchemy 2). Events are append-only: rows are inserted, never updated."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ImportRow(Base):
    """One `habeas import`: which files, by whom, when; every row it added points here."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    files: Mapped[list[dict[str, str]]] = mapped_column(JSON)


class SourceRow(Base):
    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    date_text: Mapped[str | None] = mapped_column(String(64))
    date_earliest: Mapped[date | None] = mapped_column(Date)
    date_latest: Mapped[date | None] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    reliability: Mapped[str | None] = mapped_column(String(20))
    rows: Mapped[int | None] = mapped_column(Integer)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class CohortRow(Base):
    __tablename__ = "cohorts"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class PersonRow(Base):
    """A person. Name, aliases, birth date, identifiers and sensitive attributes are AES-GCM envelopes (``*_enc``)."""

    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name_enc: Mapped[str | None] = mapped_column(Text)
    aliases_enc: Mapped[str | None] = mapped_column(Text)
    identifiers_enc: Mapped[str | None] = mapped_column(Text)
    sensitive_enc: Mapped[str | None] = mapped_column(Text)
    citizenship: Mapped[str | None] = mapped_column(String(2))  # the first country listed
    # Every country, in order, when more than one is listed; NULL for one or none (then `citizenship` says it).
    citizenships: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    birth_date_enc: Mapped[str | None] = mapped_column(Text)  # the EDTF text as written
    unaccompanied: Mapped[bool | None] = mapped_column(Boolean)
    gender: Mapped[str | None] = mapped_column(String(40))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class IdentifierIndexRow(Base):
    """Keyed HMAC of each identifier (A-number, dataset id), for exact lookup without the plaintext."""

    __tablename__ = "identifier_index"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), index=True)


class NameTokenRow(Base):
    """Keyed tokens of a person's name and aliases (words and trigrams), for search without plaintext.

    Read by person (``Repository.name_tokens``), never looked up by token: the primary key is the only index.
    """

    __tablename__ = "name_tokens"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(80), primary_key=True)


class MembershipRow(Base):
    __tablename__ = "memberships"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    cohort_id: Mapped[str] = mapped_column(ForeignKey("cohorts.id"), primary_key=True, index=True)


class EventRow(Base):
    """An event as written in its case file (``written``), with its dates indexed for queries."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(128), unique=True)
    # A person's events are found through ix_events_person_date (person_id first); nothing selects by kind.
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    cohort_id: Mapped[str | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    date_earliest: Mapped[date] = mapped_column(Date)
    date_latest: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    content_sha256: Mapped[str] = mapped_column(String(64))
    written: Mapped[dict[str, object]] = mapped_column(JSON)  # without notes
    notes_enc: Mapped[str | None] = mapped_column(Text)  # the event's (and its replacement's) notes, encrypted
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class EventSourceRow(Base):
    __tablename__ = "event_sources"

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), primary_key=True)
    # No index of its own: no query asks which events cite a source, and sources are never deleted.
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), primary_key=True)


Index("ix_events_person_date", EventRow.person_id, EventRow.date_earliest)


class UserRow(Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(Text)
    totp_secret_enc: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AccessGroupRow(Base):
    __tablename__ = "access_groups"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    all_records: Mapped[bool] = mapped_column(default=False)


class GroupPersonRow(Base):
    __tablename__ = "group_people"

    group_name: Mapped[str] = mapped_column(ForeignKey("access_groups.name"), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(128), primary_key=True)


class GroupCohortRow(Base):
    __tablename__ = "group_cohorts"

    group_name: Mapped[str] = mapped_column(ForeignKey("access_groups.name"), primary_key=True)
    cohort_id: Mapped[str] = mapped_column(String(128), primary_key=True)


class UserGroupRow(Base):
    __tablename__ = "user_groups"

    user_name: Mapped[str] = mapped_column(ForeignKey("users.name"), primary_key=True)
    group_name: Mapped[str] = mapped_column(ForeignKey("access_groups.name"), primary_key=True)


class ApiTokenRow(Base):
    """A per-user API token, kept as its SHA-256 only."""

    __tablename__ = "api_tokens"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(ForeignKey("users.name"), index=True)
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntryRow(Base):
    """One link of the tamper-evident audit chain (see habeas.security.audit); never the record's values."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(60))
    record_type: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[str | None] = mapped_column(String(200), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpointRow(Base):
    __tablename__ = "audit_checkpoints"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(Text)


class WebSessionRow(Base):
    """A browser's session with the web app, found by the SHA-256 of its id: the id itself is never stored.

    Unlike events and the audit chain, these rows change: `seen_at` moves on, and sign-out and
    expiry delete them. A pending TOTP secret (an admin enrolling) is sealed with a key derived
    from the session id, so the database alone cannot open it.
    """

    __tablename__ = "web_sessions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(ForeignKey("users.name"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    verified: Mapped[bool] = mapped_column(default=False)  # the second factor is done, or the user needs none
    previous_visit: Mapped[date | None] = mapped_column(Date)
    pending_totp_sealed: Mapped[str | None] = mapped_column(Text)


class CalendarFeedRow(Base):
    """A user's private calendar feed, found by the SHA-256 of its secret: the secret itself is never stored.

    One per user (a new feed replaces the old); revoking deletes the row, so its URL answers 404.
    """

    __tablename__ = "calendar_feeds"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(ForeignKey("users.name"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

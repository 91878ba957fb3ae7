"""What every model shares: the declarative base, its naming convention, and the source columns."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Rag(StrEnum):
    """A RAG rating: of an action, or of a KPI value against its target."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


def one_of(column: str, choices: type[StrEnum]) -> CheckConstraint:
    """A CHECK constraint keeping `column` to the values of an enum."""
    values = ", ".join(f"'{c.value}'" for c in choices)
    return CheckConstraint(f"{column} IN ({values})", name=f"{column}_valid")


class Sourced:
    """Where a fact comes from: a document and a line or page of it."""

    @declared_attr
    def source_document_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("documents.id"), index=True)

    source_line: Mapped[int | None] = mapped_column(Integer)
    source_page: Mapped[int | None] = mapped_column(Integer)

"""The one small interface through which an app shows a resident's data in the dossier.

Every app that stores a resident's personal data has a ``dossier.py`` module with
``SECTIONS = [Section(...)]``. The ``dossier`` app finds them with
``core.discovery.app_modules("dossier")``, so it imports no app's models, and no app
imports the dossier (arrows point down: the interface lives here, in ``core``).

A section answers for one data subject (the resident's pseudonym) with ``Record``s:
one per thing the city holds (a case, a ballot receipt, a consent), each with the
processing activity it falls under. The dossier adds purpose, legal basis, recipients,
processors and retention from the processing register, and the rights the legal
basis allows (correction always; objection and erasure where the basis admits them).

``models`` names every model (``"app_label.ModelName"``) whose rows the section
shows; a test walks all models and fails when one holding personal data is in no
section, so a new feature cannot forget the dossier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    """One data item as the resident reads it: a label and its value in plain text."""

    label: str
    value: str
    correctable: bool = True  # the resident may ask for a correction of this item


@dataclass(frozen=True)
class Record:
    """One thing the city holds on the resident."""

    object_type: str  # as in the processing log ("case", "ballot", ...)
    object_id: str  # the public identifier, as in the processing log
    title: str
    activity: str  # code of the processing activity it falls under
    source: str  # where the data came from, in plain language ("door u ingevuld")
    created_at: dt.datetime
    fields: list[Field] = field(default_factory=list)
    retained_until: dt.date | None = None  # when it is deleted or anonymised
    url: str = ""  # the resident's own page for it, when there is one


@dataclass(frozen=True)
class Section:
    """What one app holds on residents.

    ``records(subject)`` returns the subject's records, newest first, in a fixed
    number of queries however many there are. ``describe(subject, object_type, ids)``
    is optional: for the subject's processing-log entries about this app's objects
    (``object_types``) it returns ``{object_id: (label, url)}`` so "who processed my
    data" can name and link the case or idea an entry concerned; ``object_type`` is the
    one type asked about, or "" when ids of several of its types are asked at once. It
    must only name objects that belong to ``subject``.
    """

    key: str
    title: str
    description: str
    models: tuple[str, ...]
    records: Callable[[str], list[Record]]
    object_types: tuple[str, ...] = ()
    describe: Callable[[str, str, Iterable[str]], dict[str, tuple[str, str]]] | None = None
    # Optional, for sections that can hold hundreds of records: ``preview(subject, n,
    # offset)`` returns ``n`` records from ``offset``, newest first, and the total,
    # without building all of them; ``record(subject, object_id)`` returns one record.
    preview: Callable[..., tuple[list[Record], int]] | None = None
    record: Callable[[str, str], Record | None] | None = None
    position: int = 50  # order on the page: the account first (10), consents last (90)
    # Names for log entries about a page or list rather than one object (object type, or
    # "type/id" for one such list, → label), e.g. the resident opening "Mijn meedoen": the
    # log shows the label, not the code.
    pages: Mapping[str, str] = field(default_factory=dict)

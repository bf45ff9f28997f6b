"""Read and write the Pabulib ``.pb`` format (https://pabulib.org/format).

A file has three sections, each a semicolon-separated table with a header row:
``META`` (``key;value``), ``PROJECTS`` (``project_id;cost;...``) and ``VOTES``
(``voter_id;vote;...``, with ``points`` for cumulative and scoring ballots).
Fields may be quoted (``"a;b"``, ``""`` for a quote), as CSV does.

The parser keeps every extra META key and column, so ``parse_text(write_text(e))
== e``. An approval ballot that names a project twice is kept as written
(Amsterdam 604 has one); the rules count it once. Bad input raises
``PabulibError`` with the line number, a code and its values: ``message`` is
English (the command line), ``describe_error`` says it in plain Dutch (translatable)
for the staff pages.
Speed matters (Łódź: 90,000 ballots): the ``csv`` module does the splitting in C
and the per-row work is one tuple and one small object.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterable
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .model import (
    AMOUNT_KEYS,
    CATEGORY_AMOUNT_KEYS,
    CATEGORY_WHOLE_KEYS,
    VOTE_TYPES,
    WHOLE_KEYS,
    Election,
    Number,
    Project,
    Voter,
    format_number,
    parse_number,
)

SECTIONS = ("META", "PROJECTS", "VOTES")


#: Error code -> the English message (``str.format`` with the error's values).
MESSAGES = {
    "not_utf8": "not UTF-8 text ({reason})",
    "unreadable_path": "cannot read {path}: {reason}",
    "unreadable_field": "unreadable field ({reason})",
    "section_twice": "section {section} appears twice",
    "projects_after_votes": "the PROJECTS section must come before VOTES",
    "no_section": "expected a section name (META, PROJECTS or VOTES)",
    "section_missing": "the {section} section is missing",
    "meta_header": 'META header must be "key;value"',
    "meta_no_value": "META row {key!r} has no value",
    "meta_twice": "META key {key!r} appears twice",
    "no_budget": "META has no budget",
    "budget_negative": "the budget is negative",
    "unknown_vote_type": "unknown vote_type {value!r}",
    "column_missing": "column {column!r} is missing from the header",
    "column_twice": "a column name appears twice in the header",
    "project_width": "project row has {fields} fields, the header {width}",
    "project_no_id": "empty project_id",
    "project_twice": "project {project!r} appears twice",
    "cost_negative": "cost of project {project!r} is negative",
    "vote_width": "vote row has {fields} fields, the header {width}",
    "voter_twice": "voter {voter!r} appears twice",
    "unknown_project": "the vote names unknown project {project!r}",
    "points_length": "vote and points have different lengths",
    "points_negative": "negative points",
    "points_twice": "the vote gives points to a project twice",
    "limit_negative": "{key} is negative: {value!r}",
    "limit_not_whole": "{key} is not a whole number: {value!r}",
    "category_values": "{key} has {values} values, but the categories key names {names}",
    "not_a_number": "{what} is not a number: {value!r}",
    "too_large": "{what} is too large: {value!r} (at most 10^15)",
}

#: The same in plain Dutch (B1), for staff. Values in quotes are as the file has them.
_DUTCH = {
    "not_utf8": gettext_lazy("Het bestand is geen UTF-8-tekst."),
    "unreadable_path": gettext_lazy("Het bestand %(path)s is niet te lezen."),
    "unreadable_field": gettext_lazy(
        'Een veld is niet te lezen. Misschien mist er een aanhalingsteken (").'
    ),
    "section_twice": gettext_lazy("Het deel %(section)s staat twee keer in het bestand."),
    "projects_after_votes": gettext_lazy("Het deel PROJECTS moet vóór het deel VOTES staan."),
    "no_section": gettext_lazy(
        "Hier hoort de naam van een deel te staan: META, PROJECTS of VOTES."
    ),
    "section_missing": gettext_lazy("Het deel %(section)s ontbreekt."),
    "meta_header": gettext_lazy("De eerste regel onder META moet key;value zijn."),
    "meta_no_value": gettext_lazy("In META heeft ‘%(key)s’ geen waarde."),
    "meta_twice": gettext_lazy("In META staat ‘%(key)s’ twee keer."),
    "no_budget": gettext_lazy("In META staat geen budget."),
    "budget_negative": gettext_lazy("Het budget is kleiner dan 0."),
    "unknown_vote_type": gettext_lazy(
        "Dit soort stembiljet (vote_type) kennen we niet: ‘%(value)s’."
    ),
    "column_missing": gettext_lazy("In de kopregel ontbreekt de kolom ‘%(column)s’."),
    "column_twice": gettext_lazy("In de kopregel staat een kolom twee keer."),
    "project_width": gettext_lazy(
        "Deze regel van een project heeft %(fields)s velden, de kopregel %(width)s."
    ),
    "project_no_id": gettext_lazy("Deze regel van een project heeft geen project_id."),
    "project_twice": gettext_lazy("Project ‘%(project)s’ staat twee keer in het bestand."),
    "cost_negative": gettext_lazy("Het bedrag van project ‘%(project)s’ is kleiner dan 0."),
    "vote_width": gettext_lazy("Deze stem heeft %(fields)s velden, de kopregel %(width)s."),
    "voter_twice": gettext_lazy("Stemmer ‘%(voter)s’ staat twee keer in het bestand."),
    "unknown_project": gettext_lazy(
        "Deze stem noemt project ‘%(project)s’, maar dat staat niet onder PROJECTS."
    ),
    "points_length": gettext_lazy("Deze stem heeft niet evenveel punten als projecten."),
    "points_negative": gettext_lazy("Deze stem geeft punten kleiner dan 0."),
    "points_twice": gettext_lazy("Deze stem geeft twee keer punten aan hetzelfde project."),
    "limit_negative": gettext_lazy("%(key)s is kleiner dan 0: ‘%(value)s’."),
    "limit_not_whole": gettext_lazy("%(key)s is geen heel getal: ‘%(value)s’."),
    "category_values": gettext_lazy(
        "%(key)s heeft %(values)s waarden, maar categories noemt %(names)s categorieën."
    ),
    "not_a_number": gettext_lazy("%(what)s is geen getal: ‘%(value)s’."),
    "too_large": gettext_lazy("%(what)s is te groot: ‘%(value)s’ (hoogstens 10^15)."),
}


class PabulibError(ValueError):
    """A file that is not valid Pabulib. ``line`` is 1-based (0: the file as a whole);
    ``code`` a key of ``MESSAGES``, ``values`` what the message names."""

    def __init__(self, line: int, code: str, **values: object) -> None:
        self.line = line
        self.code = code
        self.values = values
        self.message = MESSAGES[code].format(what=_what_english(values), **values)
        super().__init__(f"line {line}: {self.message}" if line else self.message)


def _what_english(values: dict) -> str:
    key = values.get("key", "")
    if key == "cost":
        return f"cost of project {values.get('project')!r}"
    return str(key)


def describe_error(error: PabulibError) -> str:
    """The error in plain Dutch (English when that language is active), without its line."""
    values = {k: str(v) for k, v in error.values.items()}
    key = values.get("key", "")
    if key == "budget":
        values["what"] = _("Het budget")
    elif key == "cost":
        values["what"] = _("Het bedrag van project ‘%(project)s’") % values
    elif key == "points":
        values["what"] = _("Het aantal punten")
    else:
        values["what"] = key  # a META key, as the file writes it
    return str(_DUTCH[error.code]) % values


def parse_file(path: str | Path) -> Election:
    """Parse a ``.pb`` file (UTF-8, with or without BOM, any line endings)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return parse_lines(handle)
    except UnicodeDecodeError as exc:
        raise PabulibError(0, "not_utf8", reason=exc.reason) from exc
    except OSError as exc:
        raise PabulibError(0, "unreadable_path", path=path, reason=exc.strerror) from exc


def parse_text(text: str) -> Election:
    """Parse the text of a ``.pb`` file."""
    return parse_lines(io.StringIO(text.removeprefix("\ufeff"), newline=""))


def parse_lines(lines: Iterable[str]) -> Election:
    # The cyclic garbage collector would otherwise walk the growing heap of ballots
    # again and again (it doubled parse time); nothing parsed here forms cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(lines)
    finally:
        if enabled:
            gc.enable()


def _parse(lines: Iterable[str]) -> Election:
    reader = csv.reader(lines, delimiter=";", quotechar='"', strict=True)
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    projects: dict[str, Project] = {}
    voters: list[Voter] = []
    project_columns: tuple[str, ...] = ()
    vote_columns: tuple[str, ...] = ()
    section: str | None = None
    header: list[str] | None = None
    seen_sections: list[str] = []
    voter_ids: set[str] = set()
    vote_parser = None

    try:
        for row in reader:
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) == 1 and row[0].strip().upper() in SECTIONS:
                section = row[0].strip().upper()
                if section in seen_sections:
                    raise PabulibError(line, "section_twice", section=section)
                seen_sections.append(section)
                if section == "VOTES" and "PROJECTS" not in seen_sections:
                    raise PabulibError(line, "projects_after_votes")
                header = None
                continue
            if section is None:
                raise PabulibError(line, "no_section")
            if header is None:
                header = [h.strip() for h in row]
                if section == "META":
                    if header[:2] != ["key", "value"]:
                        raise PabulibError(line, "meta_header")
                elif section == "PROJECTS":
                    _check_header(line, header, ("project_id", "cost"))
                    project_columns = tuple(header)
                else:
                    _check_header(line, header, ("voter_id", "vote"))
                    vote_columns = tuple(header)
                    vote_parser = _VoteParser(header, projects, meta)
                continue
            if section == "META":
                if len(row) < 2:
                    raise PabulibError(line, "meta_no_value", key=row[0])
                key = row[0].strip()
                if key in meta:
                    raise PabulibError(line, "meta_twice", key=key)
                meta[key] = ";".join(row[1:]) if len(row) > 2 else row[1]
                meta_lines[key] = line
            elif section == "PROJECTS":
                if len(row) != len(header):
                    raise PabulibError(line, "project_width", fields=len(row), width=len(header))
                values = dict(zip(header, row, strict=True))
                pid = values.pop("project_id").strip()
                if not pid:
                    raise PabulibError(line, "project_no_id")
                if pid in projects:
                    raise PabulibError(line, "project_twice", project=pid)
                cost = _number(line, values.pop("cost"), "cost", project=pid)
                if cost < 0:
                    raise PabulibError(line, "cost_negative", project=pid)
                projects[pid] = Project(pid, cost, values)
            else:
                voter = vote_parser(line, row)  # type: ignore[misc]
                if voter.id in voter_ids:
                    raise PabulibError(line, "voter_twice", voter=voter.id)
                voter_ids.add(voter.id)
                voters.append(voter)
    except csv.Error as exc:
        raise PabulibError(reader.line_num, "unreadable_field", reason=exc) from exc

    for name in SECTIONS:
        if name not in seen_sections:
            raise PabulibError(0, "section_missing", section=name)
    if "budget" not in meta:
        raise PabulibError(0, "no_budget")
    budget = _number(0, meta["budget"], "budget")
    if budget < 0:
        raise PabulibError(0, "budget_negative")
    vote_type = meta.get("vote_type", "approval")
    if vote_type not in VOTE_TYPES:
        raise PabulibError(0, "unknown_vote_type", value=vote_type)
    _check_limits(meta, meta_lines)
    return Election(
        meta=meta,
        projects=projects,
        voters=tuple(voters),
        project_columns=project_columns,
        vote_columns=vote_columns,
    )


class _VoteParser:
    """Turns VOTES rows into ``Voter`` objects; split out so the hot loop stays small."""

    def __init__(self, header: list[str], projects: dict[str, Project], meta: dict[str, str]):
        self.header = header
        self.width = len(header)
        self.projects = projects
        self.id_at = header.index("voter_id")
        self.vote_at = header.index("vote")
        self.points_at = header.index("points") if "points" in header else None
        self.extra = [
            (i, name) for i, name in enumerate(header) if name not in ("voter_id", "vote", "points")
        ]
        self.ordered = meta.get("vote_type") == "ordinal"

    def __call__(self, line: int, row: list[str]) -> Voter:
        if len(row) != self.width:
            raise PabulibError(line, "vote_width", fields=len(row), width=self.width)
        raw = row[self.vote_at].strip()
        if not raw:
            ballot: tuple[str, ...] = ()
        elif " " in raw:
            ballot = tuple(p.strip() for p in raw.split(","))
        else:
            ballot = tuple(raw.split(","))
        projects = self.projects
        for pid in ballot:
            if pid not in projects:
                raise PabulibError(line, "unknown_project", project=pid)
        points: tuple[Number, ...] | None = None
        if self.points_at is not None:
            raw_points = row[self.points_at].strip()
            points = tuple(_number(line, p, "points") for p in raw_points.split(",") if raw_points)
            if len(points) != len(ballot):
                raise PabulibError(line, "points_length")
            if any(p < 0 for p in points):
                raise PabulibError(line, "points_negative")
            if len(set(ballot)) != len(ballot):
                raise PabulibError(line, "points_twice")
        fields = {name: row[i] for i, name in self.extra} if self.extra else {}
        return Voter(row[self.id_at].strip(), ballot, points, fields)


def _check_limits(meta: dict[str, str], lines: dict[str, int]) -> None:
    """The META keys the rules and ``ballot_problems`` read are numbers >= 0 (whole where
    they count projects or points); a per-category list has one value per category."""
    whole = set(WHOLE_KEYS) | set(CATEGORY_WHOLE_KEYS)
    per_category = set(CATEGORY_WHOLE_KEYS) | set(CATEGORY_AMOUNT_KEYS)
    for key in (*WHOLE_KEYS, *AMOUNT_KEYS, *CATEGORY_WHOLE_KEYS, *CATEGORY_AMOUNT_KEYS):
        raw = meta.get(key, "")
        if not raw.strip():
            continue
        line = lines[key]
        parts = raw.split(",") if key in per_category else [raw]
        for part in parts:
            value = _number(line, part, key)
            if value < 0:
                raise PabulibError(line, "limit_negative", key=key, value=part.strip())
            if key in whole and value != int(value):
                raise PabulibError(line, "limit_not_whole", key=key, value=part.strip())
        if len(parts) > 1:
            names = [v for v in meta.get("categories", "").split(",") if v.strip()]
            if len(names) != len(parts):
                raise PabulibError(
                    line, "category_values", key=key, values=len(parts), names=len(names)
                )


def _check_header(line: int, header: list[str], required: tuple[str, ...]) -> None:
    for name in required:
        if name not in header:
            raise PabulibError(line, "column_missing", column=name)
    if len(set(header)) != len(header):
        raise PabulibError(line, "column_twice")


# Far above any municipal budget, and still exact as a float (the counting rules
# compute with floats where exactness does not decide: docs/architecture.md).
MAX_NUMBER = 10**15


def _number(line: int, raw: str, key: str, *, project: str = "") -> Number:
    """``raw`` as a number; ``key`` names it in an error: ``budget``, ``cost`` (of
    ``project``), ``points`` or a META key."""
    values = {"key": key, "value": raw, **({"project": project} if project else {})}
    try:
        value = parse_number(raw)
    except (ValueError, ZeroDivisionError):
        raise PabulibError(line, "not_a_number", **values) from None
    if abs(value) > MAX_NUMBER:
        raise PabulibError(line, "too_large", **values)
    return value


# --- writing -------------------------------------------------------------------------


def write_text(election: Election) -> str:
    """The election as ``.pb`` text (``\\n`` line endings, quoting only where needed)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n")
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in election.meta.items():
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    columns = election.project_columns or _columns(
        ("project_id", "cost"), (p.fields for p in election.projects.values())
    )
    writer.writerow(columns)
    for project in election.projects.values():
        values = {"project_id": project.id, "cost": format_number(project.cost), **project.fields}
        writer.writerow([values.get(c, "") for c in columns])
    out.write("VOTES\n")
    base = ("voter_id", "vote", "points") if _has_points(election) else ("voter_id", "vote")
    columns = election.vote_columns or _columns(base, (v.fields for v in election.voters))
    writer.writerow(columns)
    at = {name: i for i, name in enumerate(columns)}
    id_at, vote_at, points_at = at.get("voter_id"), at.get("vote"), at.get("points")
    width = len(columns)
    rows = []
    for voter in election.voters:
        row = [""] * width
        for name, value in voter.fields.items():
            i = at.get(name)
            if i is not None:
                row[i] = value
        if id_at is not None:
            row[id_at] = voter.id
        if vote_at is not None:
            row[vote_at] = ",".join(voter.ballot)
        if points_at is not None and voter.points is not None:
            row[points_at] = ",".join(map(format_number, voter.points))
        rows.append(row)
    writer.writerows(rows)
    return out.getvalue()


def write_file(election: Election, path: str | Path) -> None:
    Path(path).write_text(write_text(election), encoding="utf-8")


def _has_points(election: Election) -> bool:
    return any(v.points is not None for v in election.voters)


def _columns(base: tuple[str, ...], rows: Iterable[dict[str, str]]) -> tuple[str, ...]:
    names = list(base)
    for fields in rows:
        for name in fields:
            if name not in names:
                names.append(name)
    return tuple(names)

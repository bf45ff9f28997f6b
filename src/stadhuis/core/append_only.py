"""Tables that are only ever added to: the processing log, its audit records and blocks,
the history of a participation process.

The ORM refuses to change or remove their rows; where it matters, a database trigger
refuses too (the privacy and participation migrations), so code that goes around the
ORM is stopped as well.
"""

from __future__ import annotations

from django.db import models


def _refuse(what: type[models.Model]) -> None:
    raise PermissionError(f"{what.__name__} is append-only: rows are never changed or removed")


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses ``update()`` and ``delete()`` in bulk.

    Removing the row a record belongs to may still take the record with it: Django's
    cascade deletes through ``_raw_delete``, which this leaves alone. A table whose rows
    must outlive everything they point at uses ``NoCascadeQuerySet``.
    """

    def update(self, **kwargs):
        _refuse(self.model)

    def delete(self):
        _refuse(self.model)


class NoCascadeQuerySet(AppendOnlyQuerySet):
    """Append-only, and not even a cascade removes a row."""

    def _raw_delete(self, using):
        _refuse(self.model)


class AppendOnly(models.Model):
    """A row is written once: saving it again or deleting it is refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse(type(self))

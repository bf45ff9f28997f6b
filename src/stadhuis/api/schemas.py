"""The base of every answer schema of the API.

Answers are in camelCase, as the API Design Rules ask; Python keeps snake_case.

``Out`` is a plain pydantic model, not a ``ninja.Schema``: our views build their answers
as dicts, and ninja's ``Schema`` runs a Python validator on every nested object to read
attributes of ORM objects too (its ``DjangoGetter``). On a page of 20 cases that wrapper
was about a sixth of the request's Python work (``docs/benchmarks.md``); pydantic alone
validates the same dicts in its compiled core. The OpenAPI document is the same.
"""

from __future__ import annotations

from pydantic import AliasGenerator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class Out(BaseModel):
    """An answer object, written in camelCase. Build it from dicts, not from models."""

    model_config = ConfigDict(
        alias_generator=AliasGenerator(serialization_alias=to_camel),
        serialize_by_alias=True,
    )

"""Who acts, and inside which trace: passed to every service that processes personal data.

The actor is explicit (a keyword argument of each service), never read from a
global, so a background job cannot accidentally act as the last web user. The
W3C trace context is request-scoped: the middleware reads an incoming
``traceparent`` header and services read it from here.
"""

from __future__ import annotations

import contextvars
import re
import secrets
from dataclasses import dataclass, field
from enum import StrEnum


class ActorKind(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    APPLICATION = "application"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """The party that performs a processing.

    ``unit`` and ``role`` go into the processing log; ``user_id`` (staff) only into
    the separate audit record, as the Logboek Dataverwerkingen standard advises.
    """

    kind: ActorKind
    unit: str = ""
    role: str = ""
    user_id: int | None = None
    subject: str = ""  # the resident's own pseudonym when kind is RESIDENT
    name: str = ""  # application or job name
    roles: frozenset[str] = field(default_factory=frozenset)
    assisted_by: int | None = None  # staff user helping a resident at the desk
    # An application's grants, as "<case-type-code>:<action>:<max-confidentiality>".
    scopes: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(kind=ActorKind.SYSTEM, unit="systeem", role="job", name=job)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def may(self, case_type_code: str, action: str) -> str | None:
        """For an application: the highest confidentiality it may ``action`` on this
        case type, or None when it has no such grant."""
        prefix = f"{case_type_code}:{action}:"
        for scope in self.scopes:
            if scope.startswith(prefix):
                return scope[len(prefix) :]
        return None


_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str  # the span of this request / job
    parent_span_id: str = ""
    flags: str = "01"

    @classmethod
    def new(cls) -> TraceContext:
        return cls(trace_id=secrets.token_hex(16), span_id=secrets.token_hex(8))

    @classmethod
    def from_traceparent(cls, header: str | None) -> TraceContext:
        """Continue the caller's trace, or start a new one when the header is absent or bad."""
        match = _TRACEPARENT.match((header or "").strip().lower())
        if not match:
            return cls.new()
        trace_id, parent, flags = match.groups()
        if trace_id == "0" * 32 or parent == "0" * 16:
            return cls.new()
        return cls(
            trace_id=trace_id, span_id=secrets.token_hex(8), parent_span_id=parent, flags=flags
        )

    def child(self) -> TraceContext:
        return TraceContext(self.trace_id, secrets.token_hex(8), self.span_id, self.flags)

    def traceparent(self) -> str:
        """The header to pass on to services we call."""
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


_current_trace: contextvars.ContextVar[TraceContext | None] = contextvars.ContextVar(
    "stadhuis_trace", default=None
)


def current_trace() -> TraceContext:
    trace = _current_trace.get()
    if trace is None:
        trace = TraceContext.new()
        _current_trace.set(trace)
    return trace


def set_trace(trace: TraceContext | None) -> contextvars.Token:
    return _current_trace.set(trace)


def reset_trace(token: contextvars.Token) -> None:
    _current_trace.reset(token)


def outgoing_headers() -> dict[str, str]:
    """Headers to add to a call to another service so that it joins our trace."""
    return {"traceparent": current_trace().traceparent()}

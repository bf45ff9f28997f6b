"""W3C trace context: accepted from callers, passed on, answered."""

from stadhuis.core.context import TraceContext, outgoing_headers, reset_trace, set_trace

HEADER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_incoming_traceparent_is_continued():
    trace = TraceContext.from_traceparent(HEADER)
    assert trace.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert trace.parent_span_id == "00f067aa0ba902b7"
    assert trace.span_id != "00f067aa0ba902b7" and len(trace.span_id) == 16


def test_malformed_or_zero_traceparent_starts_a_new_trace():
    for header in ("", "garbage", "00-" + "0" * 32 + "-00f067aa0ba902b7-01", HEADER + "x"):
        trace = TraceContext.from_traceparent(header)
        assert trace.parent_span_id == "" and len(trace.trace_id) == 32


def test_outgoing_calls_carry_our_span():
    trace = TraceContext.from_traceparent(HEADER)
    token = set_trace(trace)
    try:
        assert outgoing_headers() == {"traceparent": f"00-{trace.trace_id}-{trace.span_id}-01"}
    finally:
        reset_trace(token)


def test_response_answers_with_the_same_trace(client, db):
    response = client.get("/", HTTP_TRACEPARENT=HEADER)
    assert response["traceparent"].startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-")

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from junkan.errors import InvalidInput
from junkan.trace.model import DocumentRef, Event, EventKind, canonical_payload, fingerprint
from tests.unit.trace.trace_factories import T0, make_event, make_line


def test_fingerprint_ignores_spelling_but_not_meaning():
    a = make_event("collect", id="e1", outputs=(make_line("L1", "1", unit="t"),))
    b = make_event("collect", id="e1", outputs=(make_line("L1", "1000.0", unit="kg"),))
    c = make_event("collect", id="e1", outputs=(make_line("L1", "1001", unit="kg"),))
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(c)
    utc = Event(
        id="e1",
        kind=EventKind.COLLECT,
        time=T0.astimezone(UTC),
        site="site-a",
        organisation="org-a",
        outputs=b.outputs,
    )
    assert fingerprint(utc) == fingerprint(a)
    assert canonical_payload(a)["time"] == "2025-04-01T00:00:00Z"


def test_documents_are_part_of_the_payload():
    a = make_event(
        "dispose", id="e", inputs=(make_line("L", 5),), documents=(DocumentRef("jp_manifest", "1"),)
    )
    b = make_event(
        "dispose", id="e", inputs=(make_line("L", 5),), documents=(DocumentRef("jp_manifest", "2"),)
    )
    assert fingerprint(a) != fingerprint(b)


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"kind": "recycle", "inputs": (make_line("A", 1),)}, "transformation_needs_lines"),
        (
            {"kind": "collect", "inputs": (make_line("A", 1),), "outputs": (make_line("B", 1),)},
            "source_needs_outputs",
        ),
        ({"kind": "sell", "outputs": (make_line("A", 1),)}, "sink_needs_inputs"),
        ({"kind": "ship", "inputs": (make_line("A", 1),)}, "trade_needs_reference"),
        ({"kind": "use", "outputs": (make_line("A", 1),)}, "use_needs_inputs"),
        (
            {
                "kind": "sort",
                "inputs": (make_line("A", 1),),
                "outputs": (make_line("B", 1),),
                "declared_yield": Decimal("1.2"),
            },
            "yield_out_of_range",
        ),
    ],
)
def test_event_shape_is_checked(kw, code):
    kind = kw.pop("kind")
    with pytest.raises(InvalidInput) as err:
        make_event(kind, id="x", **kw)
    assert err.value.code == code
    assert err.value.field


def test_naive_time_and_missing_id_are_refused():
    with pytest.raises(InvalidInput) as err:
        Event(
            id="x",
            kind=EventKind.COLLECT,
            time=datetime(2025, 4, 1),
            site="s",
            organisation="o",
            outputs=(make_line("A", 1),),
        )
    assert err.value.code == "naive_time"
    with pytest.raises(InvalidInput) as err:
        make_event("collect", id=" ", outputs=(make_line("A", 1),))
    assert err.value.code == "missing_id"

import io
from datetime import timedelta, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from junkan.errors import RowError
from junkan.trace.demo_data import demo_events
from junkan.trace.inventory import Inventory
from junkan.trace.model import Event, fingerprint
from junkan.trace.tabular import COLUMNS, csv_lines, event_rows, read_csv, read_xlsx
from tests.unit.trace.trace_factories import make_event, make_line

JST = timezone(timedelta(hours=9))


def test_csv_round_trip_of_the_demo_year():
    events = list(demo_events())
    text = "".join(csv_lines(events))
    parsed = list(read_csv(io.StringIO(text, newline="")))
    assert [fingerprint(e) for e in parsed] == [fingerprint(e) for e in events]  # type: ignore[arg-type]


def test_xlsx_streams_with_naive_times_given_a_zone():
    book = Workbook()
    ws = book.active
    ws.append(list(COLUMNS))
    ev = make_event(
        "sort",
        id="s1",
        inputs=(make_line("bottles", 1000),),
        outputs=(make_line("bale", 900),),
        declared_yield=Decimal("0.95"),
    )
    for row in event_rows(ev):
        row = dict(row, time=ev.time.replace(tzinfo=None))  # Excel keeps no time zone
        ws.append([row[c] for c in COLUMNS])
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    (parsed,) = list(read_xlsx(buf, assume_tz=JST))
    assert fingerprint(parsed) == fingerprint(ev)  # type: ignore[arg-type]


def test_row_errors_name_the_row_and_field_and_other_events_still_parse():
    text = (
        ",".join(COLUMNS) + "\n"
        "e1,collect,2025-04-01T09:00:00+09:00,s,o,out,L1,PET,,12x,kg,,,,,,\n"
        "e2,collect,2025-04-01T09:00:00+09:00,s,o,out,L2,PET,,10,kg,,,,,,\n"
        "e3,smelt,2025-04-01T09:00:00+09:00,s,o,out,L3,PET,,10,kg,,,,,,\n"
        "e4,collect,2025-04-01T09:00:00+09:00,s,o,out,L4,TV,,3,pcs,,,,,,\n"
        ",collect,2025-04-01T09:00:00+09:00,s,o,out,L5,PET,,1,kg,,,,,,\n"
    )
    items = list(read_csv(io.StringIO(text)))
    errors = [i for i in items if isinstance(i, RowError)]
    assert [(e.row, e.field, e.code) for e in errors] == [
        (2, "quantity", "not_a_number"),
        (4, "kind", "unknown_kind"),
        (5, "quantity", "unit_mass_unknown"),
        (6, "event_id", "missing_id"),
    ]
    assert [e.id for e in items if isinstance(e, Event)] == ["e2"]


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 299))
def test_a_replayed_or_resumed_import_never_changes_balances(cut):
    events = list(demo_events())
    text = "".join(csv_lines(events))
    inv = Inventory()
    inv.apply_all(e for e in read_csv(io.StringIO(text)) if isinstance(e, Event))
    snapshot = dict(inv.stock)
    # resume from an arbitrary event (a crash mid-import), then replay everything once more
    assert inv.apply_all(events[cut:]) == 0
    assert inv.apply_all(e for e in read_csv(io.StringIO(text)) if isinstance(e, Event)) == 0
    assert inv.stock == snapshot
    partial = Inventory()
    partial.apply_all(events[:cut])
    partial.apply_all(events)  # re-run from the start after a partial import
    assert partial.stock == snapshot

"""CSV/XLSX: bilingual template, all-or-nothing import with row errors, streaming, export round trip."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from junkan.errors import ImportRejected
from junkan.passports.demo_data import demo_passports
from junkan.passports.tabular import (
    COLUMNS,
    csv_template,
    export_csv,
    export_xlsx,
    import_rows,
    iter_drafts,
    read_csv,
    read_xlsx,
    xlsx_template,
)


def test_template_headers_are_japanese_and_english() -> None:
    header = next(csv.reader(io.StringIO(csv_template().lstrip("\ufeff"))))
    assert header[0] == "パスポートID / Passport ID (passport_id)"
    assert "質量 / Mass (mass)" in header and len(header) == len(COLUMNS)
    assert next(read_xlsx(xlsx_template()))[0] == header[0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trips_the_bill_of_materials(fmt: str) -> None:
    world = demo_passports(published=False)
    rows = (
        read_csv(export_csv(world.values()).splitlines())
        if fmt == "csv"
        else read_xlsx(export_xlsx(world.values()))
    )
    drafts = import_rows(rows, issuer="org-9")
    assert [d.id for d in drafts] == list(world)
    for draft in drafts:
        original = world[draft.id]
        assert draft.issuer == "org-9"
        assert draft.composition == original.composition
        assert (draft.identity.gtin, draft.identity.lot, draft.identity.serial) == (
            original.identity.gtin,
            original.identity.lot,
            original.identity.serial,
        )


def _sheet(*rows: list[str]) -> list[list[str]]:
    header = ["passport_id", "name_ja", "category_scheme", "category_code", "gtin", "material_name",
              "material_class", "mass", "unit", "pre_consumer_pct", "post_consumer_pct", "cas"]  # fmt: skip
    return [header, *rows]


def test_a_bad_row_rejects_the_whole_file_with_every_row_error() -> None:
    rows = _sheet(
        ["a", "ボトル", "hs", "3923.30", "09520123456788", "body", "PET", "24", "g", "0", "50", "25038-59-9"],
        ["", "", "", "", "", "cap", "PP", "2", "oz", "", "", ""],
        ["b", "部品", "hs", "8450.90", "09520123456789", "tub", "PP", "4.2", "kg", "60", "50", "9003-07-1"],
    )
    with pytest.raises(ImportRejected) as err:
        import_rows(rows, issuer="org-1")
    found = {(e.row, e.field, e.code) for e in err.value.rows}
    assert found == {
        (3, "unit", "unknown_unit"),
        (4, "gtin", "gtin_check_digit"),
        (4, "post_consumer_pct", "recycled_share_over_100"),
        (4, "cas", "cas_check_digit"),
    }
    assert all(e.message for e in err.value.rows)
    assert err.value.extra["rows"][0]["row"] == 3


def test_good_rows_import_with_units_and_percentages() -> None:
    rows = _sheet(
        ["a", "ボトル", "hs", "3923.30", "09520123456788", "body", "PET", "24", "g", "0", "50", "25038-59-9"],
        ["a", "", "", "", "", "cap", "PP", "2", "g", "", "", ""],
    )
    (draft,) = import_rows(rows, issuer="org-1")
    body, cap = draft.composition.materials
    assert str(body.mass_kg) == "0.024" and str(body.recycled_post_consumer) == "0.5"
    assert str(cap.mass_kg) == "0.002"


def test_duplicate_passport_ids_in_separate_groups_are_refused() -> None:
    line = ["a", "ボトル", "hs", "3923.30", "09520123456788", "body", "PET", "24", "g", "0", "0", ""]
    other = ["b", "ボトル", "hs", "3923.30", "09520123456788", "body", "PET", "24", "g", "0", "0", ""]
    with pytest.raises(ImportRejected) as err:
        import_rows(_sheet(line, other, line), issuer="o")
    assert [(e.row, e.code) for e in err.value.rows] == [(4, "duplicate_passport_id")]


def test_iter_drafts_is_lazy() -> None:
    consumed: list[int] = []

    def rows() -> Iterator[list[str]]:
        yield _sheet()[0]
        for i in range(1000):
            consumed.append(i)
            yield [f"p{i}", "部品", "hs", "8450.90", "", "x", "PP", "1", "kg", "", "", ""]

    stream = iter_drafts(rows(), issuer="o")
    next(stream)
    assert len(consumed) <= 2  # one group read ahead, not the whole file


def test_missing_header_columns_are_named() -> None:
    with pytest.raises(ImportRejected) as err:
        import_rows([["foo", "bar"]], issuer="o")
    assert {e.field for e in err.value.rows} >= {"passport_id", "category_code"}

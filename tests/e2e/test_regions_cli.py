"""``junkan region import`` and ``junkan region import-what-a-waste`` through the real command line (typer's
CliRunner) on a migrated SQLite file: the same use cases as the API, with the per-row report printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from junkan.actor import Actor
from junkan.cli import app as cli
from junkan.members import auth
from junkan.members.model import OrgKind, Role
from junkan.regions import service
from junkan.regions.demo_data import demo_profiles
from junkan.regions.tabular import profiles_csv
from junkan.store.tables.regions import region_stats
from tests.factories import PASSWORD, World

CITY, TOWN, _VILLAGE = demo_profiles()
JAPANESE_CITIES = {"141003", "281000", "271004", "472018", "401005", "162019"}


@pytest.fixture
def db(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("JUNKAN_DATABASE_URL", str(sqlite_engine.url))
    monkeypatch.delenv("JUNKAN_SHARED_DATA_DIR", raising=False)
    monkeypatch.setenv("COLUMNS", "250")  # rich wraps tables at the terminal width
    return World(sqlite_engine)


def person(w: World, email: str, **org: object) -> str:
    org_id, _ = w.org(**org)
    auth.add_person(w.uow, w.system, org_id=org_id, email=email, display_name=email, role=Role.ADMIN,
                    password=PASSWORD)  # fmt: skip
    return email


def stats_rows(w: World) -> int:
    with w.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(region_stats)).scalar_one())


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_municipality_imports_its_statistics(db: World, tmp_path: Path) -> None:
    officer = person(db, "officer@minato.test", kind=OrgKind.MUNICIPALITY, municipality_code=CITY.code)
    f = tmp_path / "minato.csv"
    f.write_bytes(("\ufeff" + profiles_csv([CITY])).encode("utf-8"))
    r = run("region", "import", str(f), "--email", officer, "--password", PASSWORD)
    assert r.exit_code == 0, r.output
    assert "applied" in r.output and "10 rows read, 10 changed" in r.output and CITY.code in r.output
    assert [s["year"] for s in service.region_stats(db.uow, Actor(None), CITY.code)] == list(
        range(2013, 2023)
    )
    again = run("region", "import", str(f), "--email", officer, "--password", PASSWORD)
    assert again.exit_code == 0 and "unchanged" in again.output and "0 changed" in again.output


def test_a_rejected_file_prints_every_row_and_exits_2(db: World, tmp_path: Path) -> None:
    officer = person(db, "officer@minato.test", kind=OrgKind.MUNICIPALITY, municipality_code=CITY.code)
    lines = profiles_csv([CITY]).splitlines()
    lines[3] = lines[3].replace(",180,", ",-5,", 1)  # negative area in row 4
    lines[6] = lines[6].replace(f"{CITY.code},2018", f"{CITY.code},20x8", 1)  # bad year in row 7
    f = tmp_path / "bad.csv"
    f.write_text("\n".join(lines), encoding="utf-8")
    r = run("region", "import", str(f), "--email", officer, "--password", PASSWORD)
    assert r.exit_code == 2, r.output
    assert "rejected" in r.output and "nothing was stored" in r.output
    assert "negative_amount" in r.output and "area_km2" in r.output
    assert "│ 7 " in r.output and "bad_year" in r.output  # row 7's bad year, in the same report
    assert stats_rows(db) == 0


def test_another_municipality_s_figures_are_refused(db: World, tmp_path: Path) -> None:
    officer = person(db, "officer@kitahama.test", kind=OrgKind.MUNICIPALITY, municipality_code=TOWN.code)
    f = tmp_path / "minato.csv"
    f.write_bytes(profiles_csv([CITY]).encode("utf-8"))
    r = run("region", "import", str(f), "--email", officer, "--password", PASSWORD)
    assert r.exit_code == 2 and "region_not_yours" in r.output
    assert stats_rows(db) == 0
    wrong = run("region", "import", str(f), "--email", officer, "--password", "wrong password")
    assert wrong.exit_code == 2


def test_what_a_waste_from_a_path_or_the_shared_data_folder(
    db: World, shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waw = shared_dir / "data" / "what-a-waste-2.0"
    r = run("region", "import-what-a-waste", str(waw / "city_level_data.csv"))
    assert r.exit_code == 0, r.output
    assert "applied" in r.output and all(code in r.output for code in JAPANESE_CITIES)
    assert "repaired_" in r.output and "not_in_japan" in r.output  # the report's rows are printed
    assert service.get_region(db.uow, Actor(None), "141003")["name_ja"]
    monkeypatch.setenv("JUNKAN_SHARED_DATA_DIR", str(shared_dir / "data"))
    again = run("region", "import-what-a-waste")
    assert again.exit_code == 0 and "unchanged" in again.output


def test_what_a_waste_without_data_or_with_another_file(db: World, tmp_path: Path) -> None:
    r = run("region", "import-what-a-waste")
    assert r.exit_code == 2 and "JUNKAN_SHARED_DATA_DIR" in r.output
    empty = run("region", "import-what-a-waste", str(tmp_path))
    assert empty.exit_code == 2 and "no What a Waste" in empty.output
    other = tmp_path / "city_level_data.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    bad = run("region", "import-what-a-waste", str(tmp_path))
    assert bad.exit_code == 2 and "rejected" in bad.output and "missing_column" in bad.output
    assert stats_rows(db) == 0

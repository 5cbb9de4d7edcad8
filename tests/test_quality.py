"""The house rules as tests that can fail: lint, format, types, import contracts, pinned public names."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CONTEXTS = ("members", "credentials", "passports", "trace", "custody", "regions")
NOT_DOMAIN = {"__init__", "service", "auth"}


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.parametrize(
    "cmd",
    [
        ("ruff", "check", "src", "tests", "bench"),
        ("ruff", "format", "--check", "src", "tests", "bench"),
        ("mypy",),
        ("lint-imports",),
    ],
    ids=["ruff", "ruff-format", "mypy", "import-linter"],
)
def test_tool_passes(cmd: tuple[str, ...]) -> None:
    r = run(str(BIN / cmd[0]), *cmd[1:])
    assert r.returncode == 0, f"{' '.join(cmd)} failed:\n{r.stdout[-6000:]}\n{r.stderr[-2000:]}"


def test_every_domain_module_is_under_the_pure_domain_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "pure-domain"]
    listed = set(contract["source_modules"])
    found = set()
    for ctx in CONTEXTS:
        pkg = ROOT / "src" / "junkan" / ctx
        for mod in pkg.glob("*.py"):
            if mod.stem not in NOT_DOMAIN:
                found.add(f"junkan.{ctx}.{mod.stem}")
    missing = sorted(found - listed)
    assert not missing, f"add these domain modules to the pure-domain contract in pyproject.toml: {missing}"


def test_members_package_exports() -> None:
    import junkan.errors as errors
    import junkan.members.model as model

    assert set(errors.__all__) == {
        "Conflict",
        "FieldError",
        "ImportRejected",
        "InvalidInput",
        "JunkanError",
        "NotAuthenticated",
        "NotFound",
        "PermissionDenied",
        "RowError",
        "RuleViolation",
    }
    assert {"Principal", "Audience", "OrgKind", "audiences_for"} <= set(model.__all__)

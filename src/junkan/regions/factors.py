"""Emission factors for the GHG indicator: parse a factor table, and find the one a deployment uses.

Two table shapes are read, each a CSV with a header (``#`` lines are comments):

- the shared reference file (``<shared_data_dir>/reference/emission-factors.csv``): columns
  ``material, pathway, kg_co2e_per_kg, source`` (and more);
- junkan's packaged default (``emission_factors.csv`` beside this module): ``material, pathway,
  mtco2e_per_short_ton, source`` — US EPA WARM v16 figures as published, converted here with
  1 MTCO2E/short ton = 1,000 / 907.18474 kg CO2e/kg.

:func:`parse_factors` is pure (text in, values out) and :func:`default_factors` reads the packaged table
(package data, like ``indicator_tree.json``); reading a deployment's shared file is the service's job
(``regions.service.load_factors``). Every factor carries its source into the indicator's explanation.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

from junkan.errors import InvalidInput
from junkan.regions.indicators import EmissionFactor

__all__ = ["KG_PER_KG_PER_MT_PER_SHORT_TON", "default_factors", "parse_factors"]

KG_PER_KG_PER_MT_PER_SHORT_TON = 1000.0 / 907.18474  # one short ton = 2,000 lb = 907.18474 kg


def parse_factors(text: str, *, origin: str = "") -> tuple[EmissionFactor, ...]:
    """Factors from CSV text in either shape; a row without a usable number is an error, not a skip."""
    raw = text.lstrip("\ufeff").splitlines()
    lines = [ln for ln in raw if ln.strip() and not ln.lstrip().startswith("#")]
    out: list[EmissionFactor] = []
    for n, row in enumerate(csv.DictReader(io.StringIO("\n".join(lines))), start=2):
        try:
            if row.get("kg_co2e_per_kg"):
                kg = float(row["kg_co2e_per_kg"])
            else:
                kg = float(row["mtco2e_per_short_ton"]) * KG_PER_KG_PER_MT_PER_SHORT_TON
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(
                f"{origin or 'factor table'} row {n}: give kg_co2e_per_kg or mtco2e_per_short_ton "
                "as a number.",
                code="bad_emission_factor",
                field=f"row[{n}]",
            ) from None
        source = (row.get("source") or "").strip()
        out.append(EmissionFactor(row["material"].strip(), row["pathway"].strip(), kg, source or origin))
    if not out:
        raise InvalidInput(f"{origin or 'factor table'} has no factors.", code="bad_emission_factor")
    return tuple(out)


def default_factors() -> tuple[EmissionFactor, ...]:
    text = resources.files("junkan.regions").joinpath("emission_factors.csv").read_text("utf-8")
    return parse_factors(text, origin="junkan default factors (US EPA WARM v16)")

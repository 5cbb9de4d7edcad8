"""The ``regions`` context: regional circulation models for municipalities (地域循環モデル).

Pure domain modules (no database, no web):

- ``codes``: municipality (全国地方公共団体コード, check digit), prefecture and group ids
- ``model``: region profiles, yearly waste statistics, facilities
- ``panel``: N regions × Y years arrays, platform inputs
- ``indicators`` + ``indicator_tree.json``: the regional CE indicator tree, peer percentiles, maturity
- ``typology``: population scale × main industry × recycling hub
- ``methods`` + ``methods.json``: the eight ways to build a regional loop
- ``recommend``: ranked methods with reasons; ``scenario``: 10-year Monte Carlo projections
- ``pilot``: difference-in-differences effect measurement
- ``tabular``: our CSV/XLSX statistics format; ``wastat``: World Bank What a Waste 2.0 importer
- ``report``: XLSX and Japanese PDF reports; ``demo_data``: the fictional demo city みなと市（デモ）
"""

from __future__ import annotations

__all__: list[str] = []

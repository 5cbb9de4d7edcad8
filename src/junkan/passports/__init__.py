"""Product and material passports (製品パスポート): the pure domain of the ``passports`` context.

Modules: ``model`` (values), ``codec`` (dict form for storage and input), ``composition`` (roll-ups),
``disclosure`` (who sees what), ``versioning`` (lifecycle, versions, diffs), ``identifiers`` (GTIN,
GS1 Digital Link, CAS, linkset), ``qr``, and the exports ``untp``, ``aas`` and ``tabular``.
Demo passports live in ``demo_data``. Exports are imported from their modules (they pull in basyx,
openpyxl and segno); the names below are the core a service needs.
"""

from junkan.passports.codec import passport_from_dict, passport_to_dict
from junkan.passports.composition import Explanation, Resolver, Rollup, find_cycle, rollup
from junkan.passports.disclosure import disclose, viewer_audiences
from junkan.passports.model import Audience, Kind, Level, Passport, Section, Status
from junkan.passports.versioning import Change, diff, edit_draft, new_version, publish, withdraw

__all__ = [
    "Audience",
    "Change",
    "Explanation",
    "Kind",
    "Level",
    "Passport",
    "Resolver",
    "Rollup",
    "Section",
    "Status",
    "diff",
    "disclose",
    "edit_draft",
    "find_cycle",
    "new_version",
    "passport_from_dict",
    "passport_to_dict",
    "publish",
    "rollup",
    "viewer_audiences",
    "withdraw",
]

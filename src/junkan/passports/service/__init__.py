"""Use cases of the passports context: drafts, publishing, versions, withdrawal, and reading with disclosure.

The modules of this package, one concept each; this module gathers the core use cases in one namespace
for the entry points:

- :mod:`.drafts` (create, edit, new version) and :mod:`.publishing` (publish, withdraw);
- :mod:`.reads` (one version as a viewer sees it, GS1 lookup, lists), :mod:`.history` (versions and
  their differences) and :mod:`.explanations` (roll-up figures explained, masked per viewer);
- :mod:`.graphs` (component graphs and roll-ups), :mod:`.documents` (what a submitted document may
  contain) and :mod:`.access` (tenant rules);
- used as modules of their own: :mod:`.exports` (UNTP credentials, AAS, QR codes, linksets),
  :mod:`.files` (CSV/XLSX template, import and export) and :mod:`.issuing` (signing as the issuer).

Tenant rules (enforced for every read and write, see :mod:`.access`): a passport belongs to the
organisation that created it (``issuer`` is its id) and passport ids are unique across the platform.
Drafts are the owner's; published and withdrawn versions are public records, disclosed per viewer.
Components resolve to other passports' newest published versions and are pinned when publishing, so a
published passport's roll-up never changes (see :mod:`.graphs`).
"""

from __future__ import annotations

from junkan.passports.service.access import top_audience, viewer_audiences
from junkan.passports.service.documents import SHAPE, check_passport_id, check_shape
from junkan.passports.service.documents import shape_errors as shape_errors
from junkan.passports.service.drafts import PreconditionFailed, create_draft, edit_draft, new_version
from junkan.passports.service.explanations import explain
from junkan.passports.service.graphs import Graph, load_graph
from junkan.passports.service.history import diff_versions, versions
from junkan.passports.service.publishing import publish, withdraw
from junkan.passports.service.reads import (
    PassportView,
    digital_link,
    get_passport,
    issuers,
    list_passports,
    lookup_gtin,
)
from junkan.passports.service.reads import passport_document as passport_document
from junkan.passports.service.reads import share_percent as share_percent

__all__ = [
    "SHAPE",
    "Graph",
    "PassportView",
    "PreconditionFailed",
    "check_passport_id",
    "check_shape",
    "create_draft",
    "diff_versions",
    "digital_link",
    "edit_draft",
    "explain",
    "get_passport",
    "issuers",
    "list_passports",
    "load_graph",
    "lookup_gtin",
    "new_version",
    "publish",
    "top_audience",
    "versions",
    "viewer_audiences",
    "withdraw",
]

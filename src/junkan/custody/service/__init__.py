"""Use cases of the custody context: mass-balance credits, transfers along matched trades, claims issued as
signed Verifiable Credentials, statements, period closes, and the book-and-claim certificate register.

Each use case loads the state the domain needs (an account's FIFO credit holdings, the registry's counts for
the credits and lots involved), lets :class:`~junkan.custody.mass_balance.MassBalanceLedger` decide, and
writes back what changed — in one unit of work with the audit row.

The modules of this package, one concept each, in one namespace for the entry points:

- ``accounts``: the allocation scheme, loading an account into the domain ledger and saving it back;
- ``postings``: what credits, transfers and claims share (idempotent entry ids, entry rows and views);
- ``credits``: crediting certified input (capped by the input event and its post-consumer provenance)
  and transferring credits along matched trades;
- ``claims``: claims on the organisation's own output lots, issued as Verifiable Credentials;
- ``statements`` and ``periods``: account statements, closing one period or all accounts at once;
- ``certificates``: the book-and-claim certificate register;
- ``access``: the owner sees its accounts, statements and claims; regulators and certifiers read them
  (supervision, ISO 22095 audits); everyone else gets ``NotFound``.
"""

from __future__ import annotations

from junkan.custody.service.accounts import SCHEME, account_view, get_account, list_accounts
from junkan.custody.service.certificates import (
    certificate_view,
    get_certificate,
    issue_certificate,
    list_certificates,
    retire_certificate,
    transfer_certificate,
)
from junkan.custody.service.claims import claim, get_claim, list_claims
from junkan.custody.service.credits import credit, transfer
from junkan.custody.service.periods import close, close_all
from junkan.custody.service.statements import statement, statement_view

__all__ = [
    "SCHEME",
    "account_view",
    "certificate_view",
    "claim",
    "close",
    "close_all",
    "credit",
    "get_account",
    "get_certificate",
    "get_claim",
    "issue_certificate",
    "list_accounts",
    "list_certificates",
    "list_claims",
    "retire_certificate",
    "statement",
    "statement_view",
    "transfer",
    "transfer_certificate",
]

"""Traceability (トレーサビリティ): lots, append-only traceability events and provenance.

A *lot* is a quantity of one material at one site; an *event* records what happened to lots (collect, sort,
recycle, produce, ship, receive, sell, use, repair, reuse, remanufacture, dispose) in the spirit of
EPCIS 2.0 and the UNTP Digital Traceability Event. The domain modules are pure: ``model`` (vocabulary),
``units`` (kg conversion), ``inventory`` (conservation rules), ``trades`` (shipment/receipt matching),
``provenance`` (upstream/downstream graph traces), ``untp_dte`` and ``tabular`` (exchange formats) and
``demo_data`` (a seeded year of events). The hash-chained ledger lives in ``ledger``.
"""

__all__: list[str] = []

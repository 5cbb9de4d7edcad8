"""junkan (循環): an open circular-economy information platform.

The package is split into bounded contexts (members, passports, trace, custody, credentials, rules,
market, regions, flows), each with a pure domain and a service layer, plus the adapters in ``store`` and
the entrypoints ``api``, ``web`` and ``cli``.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"

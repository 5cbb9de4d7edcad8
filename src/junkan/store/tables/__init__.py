"""All tables, one module per bounded context, all on :data:`junkan.store.metadata.metadata`.

Importing this package registers every context's tables (Alembic and the test suite rely on it).
"""

from junkan.store.tables import credentials, custody, members, passports, platform, regions, trace

__all__ = ["credentials", "custody", "members", "passports", "platform", "regions", "trace"]

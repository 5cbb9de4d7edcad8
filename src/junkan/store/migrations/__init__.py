"""Alembic migrations. Schema changes happen only here; ``junkan db upgrade`` applies them."""

"""Adapters to the relational store: tables, engine, unit of work and Alembic migrations."""

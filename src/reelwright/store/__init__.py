"""Persistence: SQLAlchemy models, the database connection, migrations and blob storage."""

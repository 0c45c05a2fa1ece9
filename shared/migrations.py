"""Alembic, per service: each service keeps its migrations in ``services/<name>/migrations``.

`upgrade` runs at service start (and in tests) so a new database is ready without a manual
step; on PostgreSQL an advisory lock keeps replicas from migrating at the same time.  A
service's ``env.py`` is two lines that hand its metadata to `run_env`.
"""
import inspect
import logging
import zlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, pool, text

from shared.db import normalize_url

log = logging.getLogger(__name__)


def migrations_dir(service_cls):
    return Path(inspect.getfile(service_cls)).resolve().parent / "migrations"


def alembic_config(service_cls, db_url):
    config = Config()
    config.set_main_option("script_location", str(migrations_dir(service_cls)))
    config.set_main_option("sqlalchemy.url", str(db_url).replace("%", "%%"))
    config.attributes["service_name"] = service_cls.name
    return config


def upgrade(service_cls, db_url):
    if str(db_url).startswith("sqlite:///"):
        path = str(db_url).split("///", 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(service_cls, db_url), "head")


def revision(service_cls, db_url, message):
    """Autogenerate a migration from the difference between the models and the database."""
    upgrade(service_cls, db_url)
    command.revision(alembic_config(service_cls, db_url), message=message, autogenerate=True)


def run_env(target_metadata):
    """Body of every service's migrations/env.py (online mode only)."""
    from alembic import context

    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    service_name = config.attributes.get("service_name", "service")
    engine = create_engine(normalize_url(url), poolclass=pool.NullPool)
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            lock_id = zlib.crc32(f"vanphong-migrate-{service_name}".encode())
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": lock_id})
            connection.commit()
        try:
            context.configure(connection=connection, target_metadata=target_metadata,
                              render_as_batch=connection.dialect.name == "sqlite",
                              compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": lock_id})
                connection.commit()
    engine.dispose()

"""`health()` for every service: database, outbox backlog, relay, version."""
import time

from shared import __version__, outbox

STALE_OUTBOX_SECONDS = 60


def report(service_name, db):
    """`db` is the service's Database provider (``self.db`` gives a Work; pass its provider)."""
    checks = {}
    status = "ok"
    started = time.monotonic()
    try:
        with db.engine.connect() as connection:
            checks["database"] = {"status": "ok", "dialect": connection.dialect.name}
            checks["outbox"] = outbox.backlog(connection, db.metadata)
        checks["database"]["latency_ms"] = round((time.monotonic() - started) * 1000, 1)
    except Exception as exc:
        checks["database"] = {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
        status = "degraded"
    backlog = checks.get("outbox")
    if backlog and backlog["oldest_pending_seconds"] > STALE_OUTBOX_SECONDS:
        status = "degraded"
    if db.relay is not None:
        checks["relay"] = {"status": "error" if db.relay.last_error else "ok",
                           "last_error": db.relay.last_error}
        if db.relay.last_error:
            status = "degraded"
    return {"service": service_name, "status": status, "version": __version__, "checks": checks}

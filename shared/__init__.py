"""The suite's own library: config, database, auth, errors, events, plugins, calendar, CLI.

`shared` never imports a service: services are found through entry points.
"""
import warnings

# eventlet is deprecated upstream and says so on import; the suite depends on it knowingly.
warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

__version__ = "0.1.0"

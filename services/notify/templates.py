"""Vietnamese notice templates (Jinja2): each defines a `title` block and a `body` block.

The suite's templates live in ``services/notify/templates``; an office overrides any of them
by putting a file of the same name in its own folder (``NOTIFY.offices.<OFFICE>.template_dir``).
Rendering is strict: a variable the data lacks is an error, never an empty gap.
"""
import re
from datetime import date, datetime
from pathlib import Path

from jinja2 import (ChoiceLoader, Environment, FileSystemLoader, StrictUndefined,
                    TemplateError, TemplateNotFound)

from shared.errors import InvalidInput

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9_]{1,100}\Z")

LEVELS = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}


def vn_date(value):
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def vn_number(value):
    """A number as Vietnamese text writes it: decimal comma, no trailing zeros (95,5; 84)."""
    if value is None:
        return ""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def level_name(code):
    return LEVELS.get(code, code or "")


def _environment(directories):
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in directories]),
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    environment.filters["vn_date"] = vn_date
    environment.filters["level_name"] = level_name
    environment.filters["vn_number"] = vn_number
    return environment


class Templates:
    """The templates of every office: the office's own folder first, then the suite's."""

    def __init__(self, office_dirs=None, default_dir=TEMPLATE_DIR):
        self.default_dir = Path(default_dir)
        self.office_dirs = {office: Path(d) for office, d in (office_dirs or {}).items() if d}
        self._environments = {}

    @classmethod
    def from_config(cls, config):
        offices = (config.get("NOTIFY") or {}).get("offices") or {}
        return cls({office: (settings or {}).get("template_dir")
                    for office, settings in offices.items()})

    def environment(self, office):
        if office not in self._environments:
            directories = [self.default_dir]
            if office in self.office_dirs:
                directories.insert(0, self.office_dirs[office])
            self._environments[office] = _environment(directories)
        return self._environments[office]

    def check(self, name, office=None):
        """InvalidInput when `name` is not a template of this office."""
        self._template(name, office)

    def _template(self, name, office):
        if not isinstance(name, str) or not TEMPLATE_NAME.match(name):
            raise InvalidInput("unknown template", {"template": [f"not a template name: {name!r}"]})
        try:
            return self.environment(office).get_template(f"{name}.j2")
        except TemplateNotFound:
            raise InvalidInput("unknown template", {"template": [f"no template {name!r}"]})
        except TemplateError as exc:
            raise InvalidInput("the template could not be read",
                               {"template": [f"{name}: {exc}"]})

    def render(self, name, data, office=None):
        """(title, body) of template `name` with `data`; InvalidInput when it is unknown or fails."""
        template = self._template(name, office)
        try:
            context = template.new_context(dict(data))
            title = " ".join("".join(template.blocks["title"](context)).split())
            body = "".join(template.blocks["body"](context)).strip()
        except KeyError as exc:
            raise InvalidInput("the template could not be rendered",
                               {"template": [f"{name}: has no {exc} block"]})
        except Exception as exc:  # an office's template may fail in any way: say which and why
            raise InvalidInput("the template could not be rendered",
                               {"template": [f"{name}: {type(exc).__name__}: {exc}"]})
        if not title:
            raise InvalidInput("the template could not be rendered",
                               {"template": [f"{name}: the title is empty"]})
        return title, body


_default = Templates()


def render(name, data, office=None):
    return _default.render(name, data, office)

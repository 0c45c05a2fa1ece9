"""Vietnamese notice templates (Jinja2): each template defines a `title` and a `body` block."""
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, TemplateError

from shared.errors import InvalidInput

TEMPLATE_DIR = Path(__file__).parent / "templates"


def vn_date(value):
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.strftime("%d/%m/%Y") if value else ""


_environment = Environment(loader=FileSystemLoader(TEMPLATE_DIR), undefined=StrictUndefined,
                           autoescape=False, keep_trailing_newline=False)
_environment.filters["vn_date"] = vn_date


def render(name, data):
    """(title, body) of template `name` with `data`; InvalidInput when it is unknown or fails."""
    try:
        template = _environment.get_template(f"{name}.j2")
    except TemplateNotFound:
        raise InvalidInput("unknown template", {"template": [name]})
    try:
        context = template.new_context(dict(data))
        title = "".join(template.blocks["title"](context)).strip()
        body = "".join(template.blocks["body"](context)).strip()
    except TemplateError as exc:
        raise InvalidInput("the template could not be rendered", {"template": [f"{name}: {exc}"]})
    return title, body

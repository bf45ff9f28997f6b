"""The form renderer: Django's own widget HTML, built in Python instead of by templates.

Django renders every widget through a template, and a ``<select>`` through one more
template per option (``{% include option.template_name %}``) plus one for each
element's attributes. On our pages that was the largest single cost of rendering: on
"who processed my data" (``/mijn-gegevens/verwerkingen``), whose filter has a select of
every processing activity, the five filter widgets took a sixth of the request's Python
time (``docs/benchmarks.md``).

``FastWidgets`` is Django's ``DjangoTemplates`` renderer with the templates of the
plain widgets (inputs, textarea, select, radio and checkbox lists and their options)
written out as functions that produce the same text, byte for byte, as those
templates do: the same escaping and localisation of values
(``render_value_in_context``), the same ``stringformat:'s'`` for values, the same
whitespace. Every other template (forms, fields, the clearable file input, multi-value
widgets) still goes through Django's templates. ``tests/web/test_renderers.py``
compares both renderers on every widget kind with awkward values.

The built-in widget templates cannot be overridden by an app under this renderer
(Django puts its own ``django/forms/templates`` directory first), so the functions
below cannot silently replace a project's own widget template.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

_CONTEXT = Context(autoescape=True)  # what a template's render() gets: no overrides
_PREFIX = "django/forms/widgets/"


def _var(value: Any) -> str:
    """``{{ value }}``."""
    return render_value_in_context(value, _CONTEXT)


def _fmt(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: no localisation; safe input stays unescaped."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    if isinstance(value, SafeData):  # the filter is is_safe: safe in, safe out
        text = mark_safe(text)  # noqa: S308
    return conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """``attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is not False:
            out.append(" " + _var(name))
            if value is not True:
                out.append(f'="{_fmt(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    """``input.html``."""
    value = f' value="{_fmt(widget["value"])}"' if widget["value"] != None else ""  # noqa: E711
    return (
        f'<input type="{_var(widget["type"])}" name="{_var(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _input_option(widget: dict) -> str:
    """``input_option.html``."""
    if not widget["wrap_label"]:
        return _input(widget) + "\n"
    for_id = widget["attrs"].get("id")
    label_for = f' for="{_var(for_id)}"' if for_id else ""
    return f"<label{label_for}>{_input(widget)} {_var(widget['label'])}</label>\n"


def _textarea(widget: dict) -> str:
    value = _var(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{_var(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'
    )


def _select_option(widget: dict) -> str:
    return (
        f'<option value="{_fmt(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{_var(widget['label'])}</option>\n"
    )


class FastWidgets(DjangoTemplates):
    """``DjangoTemplates``, with the plain widgets' templates as Python (see above)."""

    def __init__(self) -> None:
        super().__init__()
        same_as_input = "text number email url password hidden date datetime time search tel"
        written: dict[str, Callable[[dict], str]] = {
            "input": _input,
            "textarea": _textarea,
            "select": self._select,
            "select_option": _select_option,
            "multiple_input": self._multiple_input,
            "input_option": _input_option,
        }
        # Templates that only include one of the above, followed by their own newline.
        includes = {name: _input for name in (*same_as_input.split(), "color", "checkbox")}
        includes |= {"radio": self._multiple_input, "checkbox_select": self._multiple_input}
        includes |= {"radio_option": _input_option, "checkbox_option": _input_option}
        self._written = {_PREFIX + name + ".html": f for name, f in written.items()}
        for name, function in includes.items():
            self._written[_PREFIX + name + ".html"] = lambda w, f=function: f(w) + "\n"

    def render(self, template_name, context, request=None):
        function = self._written.get(template_name)
        if function is None:
            return super().render(template_name, context, request)
        return function(context["widget"]).strip()

    def _include(self, widget: dict) -> str:
        """``{% include widget.template_name with widget=widget %}``."""
        function = self._written.get(widget["template_name"])
        if function is not None:
            return function(widget)
        return self.get_template(widget["template_name"]).render({"widget": widget})

    def _select(self, widget: dict) -> str:
        out = [f'<select name="{_var(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{_var(group_name)}">')
            out.extend("\n  " + self._include(option) for option in options)
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>\n")
        return "".join(out)

    def _multiple_input(self, widget: dict) -> str:
        attrs = widget["attrs"]
        element_id = attrs.get("id")
        out = ["<div"]
        if element_id:
            out.append(f' id="{_var(element_id)}"')
        if attrs.get("class"):
            out.append(f' class="{_var(attrs["class"])}"')
        out.append(">")
        for group, options, _index in widget["optgroups"]:
            if group:
                out.append(f"\n  <div><label>{_var(group)}</label>")
            out.extend(f"<div>\n    {self._include(option)}</div>" for option in options)
            if group:
                out.append("\n  </div>")
        out.append("\n</div>\n")
        return "".join(out)

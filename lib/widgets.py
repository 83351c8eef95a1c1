"""Form widgets that stay fast on long choice lists."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class FastSelect(forms.Select):
    """A <select> whose options are built in Python.

    Django renders every <option> through a template; for the 250 countries that is most of
    a page's rendering time. Labels, values and attributes are escaped as usual.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        if self.allow_multiple_selected:
            final["multiple"] = True
        values = value if isinstance(value, (list, tuple)) else [value]
        selected = {str(v) for v in values if v is not None}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) in selected else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    allow_multiple_selected = True

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def menu_for(site, user):
    """The site's areas the user may enter, each with the entries shown to them: [(area, [entry, ...])]."""
    return site.menu_for(user) if site is not None else []


@register.simple_tag
def control(bound_field):
    """A filter-bar control built here, in Python, when it is a plain <select> or <input>: Django's widget
    templates render every control and every <option> through the template engine (a few milliseconds per
    list page). Anything else falls back to the widget's own rendering."""
    field, widget = bound_field.field, bound_field.field.widget
    if type(widget) not in _FAST_WIDGETS:
        return bound_field.as_widget()
    attrs = widget.build_attrs(widget.attrs, bound_field.build_widget_attrs({}, widget))
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    value = bound_field.value()
    if type(widget) is forms.Select:
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(v), mark_safe(" selected") if str(v) == chosen else "", label)  # nosec B308  # a constant
                for v, label in field.choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', bound_field.html_name, flatatt(attrs), options)
    shown = widget.format_value(value)
    value_attr = format_html(' value="{}"', shown) if shown is not None else ""
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget.input_type,
        bound_field.html_name,
        value_attr,
        flatatt(attrs),
    )


_FAST_WIDGETS = (forms.Select, forms.TextInput, forms.NumberInput, forms.SearchInput)

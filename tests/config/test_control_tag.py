"""{% control %}: the filter bar's <select>s and <input>s built in Python render what Django's widgets do."""

import html
import re

import pytest
from django import forms

from config.templatetags.shell import control
from workflows.officer.forms import TaskFilterForm


def _normalised(markup: str) -> tuple[str, list[tuple[str, str]]]:
    """Tag names with their attributes as a sorted list (Django's attribute order is not ours to copy), and
    the text between the tags; whitespace between tags is not compared."""
    markup = re.sub(r">\s+<", "><", str(markup).strip())
    tags = re.findall(r"<(\w+)([^>]*)>", str(markup))
    return [(name, sorted(re.findall(r'(\w[\w-]*)(?:="([^"]*)")?', attrs))) for name, attrs in tags], re.sub(
        r"<[^>]+>", "|", str(markup)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "q": 'Nguyễn "An" <b>',
            "step": "score",
            "title": "GDHT",
            "year": "2026",
            "due": "week",
            "order": "created",
        },
        {"q": "", "step": "nope", "year": "abc"},  # invalid values are shown back as typed
    ],
)
def test_each_control_renders_like_the_widget(world, data):
    form = TaskFilterForm(data)
    form.is_valid()
    for name in form.fields:
        assert _normalised(control(form[name])) == _normalised(form[name].as_widget()), name


def test_values_are_escaped_and_the_choice_is_selected():
    class Form(forms.Form):
        q = forms.CharField(required=False)
        kind = forms.ChoiceField(choices=[("a", "A & B"), ("b", "<b>")], required=False)

    form = Form({"q": '"><script>', "kind": "b"})
    markup = str(control(form["q"])) + str(control(form["kind"]))
    assert "<script>" not in markup and html.escape('"><script>') in markup
    assert '<option value="b" selected>&lt;b&gt;</option>' in markup
    assert '<option value="a">A &amp; B</option>' in markup


def test_other_widgets_fall_back_to_django():
    class Form(forms.Form):
        when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        many = forms.MultipleChoiceField(choices=[("a", "A")], required=False)

    form = Form()
    assert control(form["many"]) == form["many"].as_widget()
    assert control(form["when"]) == form["when"].as_widget()

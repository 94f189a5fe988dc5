"""What the API's views share: parsing a page's form from the request, or refusing with its errors."""

from django import forms
from django.http import QueryDict
from rest_framework.exceptions import ValidationError


def parsed(form: forms.Form) -> dict:
    """The form's cleaned data, or a 400 problem with its errors per field."""
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})
    return form.cleaned_data


def query_dict(data: dict, *, prefix: str = "") -> QueryDict:
    """JSON values as a form post: lists repeat the key, booleans are "1"/"0", None is empty."""
    qd = QueryDict(mutable=True)
    for key, value in data.items():
        name = f"{prefix}-{key}" if prefix else key
        for v in value if isinstance(value, list | tuple) else [value]:
            if v is None:
                v = ""
            elif isinstance(v, bool):
                v = "1" if v else "0"
            qd.appendlist(name, str(v))
    return qd

"""Form widgets the apps share."""

from django import forms


class DateInput(forms.DateInput):
    """A native date picker (<input type="date">), which needs ISO dates."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

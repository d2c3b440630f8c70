"""Buttons that refuse or undo are warning buttons, not the green of the page's way forward."""

import re

import pytest
from crispy_forms.utils import render_crispy_form

from caremarket.carehomes.forms import RejectForm, RequestForm
from caremarket.sourcing.forms import CancelForm, DeclineForm, PackageForm


def button(form) -> tuple[str, str]:
    html = render_crispy_form(form)
    found = re.search(r'<input[^>]*type="submit"[^>]*>', html)
    assert found is not None, html
    tag = found.group(0)
    value, css = re.search(r'value="([^"]+)"', tag), re.search(r'class="([^"]+)"', tag)
    assert value is not None and css is not None, tag
    return value.group(1), css.group(1)


@pytest.mark.parametrize("form", [CancelForm, DeclineForm, RejectForm])
def test_cancel_decline_and_reject_are_warning_buttons(form):
    label, classes = button(form())
    assert classes.split() == ["govuk-button", "govuk-button--warning"], (label, classes)


def test_a_way_forward_stays_a_primary_button():
    _, classes = button(PackageForm())
    assert classes.split() == ["govuk-button"]


def test_the_homes_own_booking_says_it_is_recorded_not_requested():
    assert button(RequestForm(recording=True))[0] == "Record the booking"
    assert button(RequestForm())[0] == "Send booking request"

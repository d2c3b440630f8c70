"""The GOV.UK template helpers: the error title prefix and where summary links go."""

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.template import Context, Template

from caremarket.common.forms import GovDateField, GovForm


class Sample(GovForm):
    name = forms.CharField()
    colour = forms.ChoiceField(choices=[("r", "Red"), ("b", "Blue")], widget=forms.RadioSelect)
    when = DateInputField()


def render(source: str, **context) -> str:
    return Template("{% load govuk crispy_forms_tags %}" + source).render(Context(context))


def test_summary_links_go_to_the_input_the_first_option_or_the_day_as_rendered():
    form = Sample(data={}, prefix="end")
    assert not form.is_valid()
    targets = render("{% for f in form %}{{ f|error_target }} {% endfor %}", form=form).split()
    assert targets == ["id_end-name", "id_end-colour_1", "id_end-when_0"]
    page = render("{% crispy form %}", form=form)
    for target in targets:
        assert f'id="{target}"' in page, target


def test_the_form_leaves_the_csrf_token_to_the_page_so_get_forms_carry_none():
    assert "csrfmiddlewaretoken" not in render("{% crispy form %}", form=Sample())


def test_the_title_says_error_only_when_a_form_on_the_page_has_errors():
    assert render("{% error_prefix %}", other_form=Sample(data={})) == "Error: "
    assert render("{% error_prefix %}", form=Sample()) == ""
    valid = Sample(
        data={"name": "x", "colour": "r", "when_0": "1", "when_1": "2", "when_2": "2026"}
    )
    assert render("{% error_prefix %}", form=valid) == ""


class Needed(GovForm):
    needed_from = GovDateField(what="the date the bed is needed from", required=False)
    ended_on = GovDateField(what="the date the agreement ended")


def errors_of(data):
    form = Needed(data=data)
    form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_the_date_input_says_which_date_and_what_is_wrong_in_govuk_words():
    assert errors_of({}) == {"ended_on": ["Enter the date the agreement ended"]}
    assert errors_of({"ended_on_0": "30", "ended_on_1": "2", "ended_on_2": "2026"}) == {
        "ended_on": ["The date the agreement ended must be a real date"]
    }
    assert errors_of({"ended_on_0": "3", "ended_on_2": "2026"}) == {"ended_on": ["Enter the month"]}
    form = Needed(data={"ended_on_0": "29", "ended_on_1": "2", "ended_on_2": "2028"})
    assert form.is_valid() and str(form.cleaned_data["ended_on"]) == "2028-02-29"
    assert form.cleaned_data["needed_from"] is None

"""The GOV.UK template helpers: the error title prefix and where summary links go."""

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.template import Context, Template


class Sample(forms.Form):
    name = forms.CharField()
    colour = forms.ChoiceField(choices=[("r", "Red"), ("b", "Blue")], widget=forms.RadioSelect)
    when = DateInputField()


def render(source: str, **context) -> str:
    return Template("{% load govuk %}" + source).render(Context(context))


def test_summary_links_go_to_the_input_or_the_first_option_or_the_day():
    form = Sample(data={}, prefix="end")
    assert not form.is_valid()
    html = render("{% for f in form %}{{ f|error_target }} {% endfor %}", form=form)
    assert html.split() == ["id_end-name", "id_end-colour_0", "id_end-when_0"]
    rendered = str(form["colour"]) + str(form["when"])
    assert 'id="id_end-colour_0"' in rendered and 'id="id_end-when_0"' in rendered


def test_the_title_says_error_only_when_a_form_on_the_page_has_errors():
    assert render("{% error_prefix %}", other_form=Sample(data={})) == "Error: "
    assert render("{% error_prefix %}", form=Sample()) == ""
    valid = Sample(
        data={"name": "x", "colour": "r", "when_0": "1", "when_1": "2", "when_2": "2026"}
    )
    assert render("{% error_prefix %}", form=valid) == ""

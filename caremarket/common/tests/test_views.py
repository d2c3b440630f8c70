"""form_submit and button_submit: a valid form's data reaches the service, and its errors or
the service's stay on the form; a button's outcome is a message on the next page."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.common.views import button_submit, form_submit


class NameForm(forms.Form):
    given_name = forms.CharField(max_length=20)


def never(**kwargs):
    raise AssertionError("the service must not be called")


def posted(data):
    request = RequestFactory().post("/", data)
    request.user = object()
    request._messages = CookieStorage(request)
    return request


def test_the_cleaned_data_and_the_arguments_go_to_the_service():
    calls = []

    def rename(*, actor, now, given_name, pk):
        calls.append((given_name, pk, actor))
        return given_name.upper()

    request = posted({"given_name": "ada"})
    response = form_submit(
        request,
        NameForm(request.POST),
        rename,
        done=lambda name: f"Renamed {name}.",
        then="/done/",
        pk=7,
    )
    assert response is not None and response.status_code == 302 and response.url == "/done/"
    assert calls == [("ada", 7, request.user)]
    assert [m.message for m in get_messages(request)] == ["Renamed ADA."]


def test_arguments_from_names_the_data_as_the_service_takes_it():
    calls = []

    def rename(*, actor, now, name):
        calls.append(name)
        return name

    request = posted({"given_name": "ada"})
    response = form_submit(
        request,
        NameForm(request.POST),
        rename,
        done="Renamed.",
        then="/done/",
        arguments_from=lambda data: {"name": data["given_name"]},
    )
    assert response is not None and response.status_code == 302
    assert calls == ["ada"]


def test_a_lookup_that_finds_nothing_is_an_error_on_the_form_and_calls_no_service():
    def lookup(data):
        raise NotFound("There is nobody by that name.")

    request = posted({"given_name": "ada"})
    form = NameForm(request.POST)
    answer = form_submit(request, form, never, done="", then="/", arguments_from=lookup)
    assert answer is None
    assert form.non_field_errors() == ["There is nobody by that name."]
    assert not list(get_messages(request))


def test_the_services_error_goes_to_the_field_it_names():
    def refuse(**kwargs):
        raise ValidationFailed({"given_name": ["That name is taken."]})

    request = posted({"given_name": "ada"})
    form = NameForm(request.POST)
    assert form_submit(request, form, refuse, done="", then="/") is None
    assert form.errors == {"given_name": ["That name is taken."]}


def test_an_invalid_form_calls_nothing():
    request = posted({"given_name": ""})
    form = NameForm(request.POST)
    assert form_submit(request, form, never, done="", then="/") is None
    assert "given_name" in form.errors


def test_a_button_calls_the_service_and_says_what_it_did_on_the_next_page():
    calls = []

    def withdraw(*, actor, now, pk):
        calls.append((pk, actor))
        return f"T{pk}"

    request = posted({})
    response = button_submit(
        request, withdraw, pk=3, done=lambda ref: f"{ref} is withdrawn.", then="/transfers/"
    )
    assert response.status_code == 302 and response.url == "/transfers/"
    assert calls == [(3, request.user)]
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [
        ("success", "T3 is withdrawn.")
    ]


def test_a_button_the_service_refuses_shows_the_services_words_on_the_same_next_page():
    def refuse(**kwargs):
        raise ValidationFailed("Only the proposer can withdraw it.")

    request = posted({})
    response = button_submit(request, refuse, done="never shown", then="/transfers/")
    assert response.status_code == 302 and response.url == "/transfers/"
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [
        ("error", "Only the proposer can withdraw it.")
    ]


def test_a_button_whose_next_page_comes_from_the_result_goes_there():
    request = posted({})
    response = button_submit(
        request,
        lambda **kwargs: 41,
        done="Started.",
        then=lambda pk: f"/drafts/{pk}/",
        refused="/drafts/",
    )
    assert response.status_code == 302 and response.url == "/drafts/41/"
    assert [m.message for m in get_messages(request)] == ["Started."]


def test_a_refused_button_goes_to_its_own_page_when_one_is_named():
    def refuse(**kwargs):
        raise ValidationFailed("Only a draft can be discarded.")

    request = posted({})
    response = button_submit(
        request, refuse, done="never shown", then="/drafts/", refused="/drafts/7/"
    )
    assert response.status_code == 302 and response.url == "/drafts/7/"
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [
        ("error", "Only a draft can be discarded.")
    ]


def test_a_result_page_without_a_refusal_page_is_a_mistake_caught_before_the_service_runs():
    request = posted({})
    with pytest.raises(TypeError):
        button_submit(request, never, done="never shown", then=lambda pk: f"/{pk}/")


def test_a_buttons_form_joins_its_data_to_the_arguments():
    calls = []

    def rename(*, actor, now, given_name, pk):
        calls.append((given_name, pk))
        return given_name

    request = posted({"given_name": "ada"})
    response = button_submit(
        request,
        rename,
        form=NameForm(request.POST),
        invalid="Give a name.",
        pk=5,
        done=lambda name: f"Now {name}.",
        then="/people/",
    )
    assert response.url == "/people/" and calls == [("ada", 5)]
    assert [m.message for m in get_messages(request)] == ["Now ada."]


def test_a_buttons_form_that_is_not_valid_says_what_to_give_and_calls_nothing():
    request = posted({"given_name": ""})
    response = button_submit(
        request,
        never,
        form=NameForm(request.POST),
        invalid="Give a name.",
        done="never shown",
        then="/people/",
        refused="/people/5/",
    )
    assert response.url == "/people/5/"
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [("error", "Give a name.")]


def test_without_its_own_words_a_buttons_refused_form_names_the_field_and_its_error():
    request = posted({"given_name": "x" * 21})
    button_submit(request, never, form=NameForm(request.POST), done="never shown", then="/people/")
    assert [m.message for m in get_messages(request)] == [
        "Given name: Ensure this value has at most 20 characters (it has 21)."
    ]

"""GOV.UK-styled forms and the bridge from domain errors to form errors."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from crispy_forms_gds.widgets import DateInputWidget
from django import forms

from caremarket.common.errors import DomainError, ValidationFailed


class GovFormMixin:
    submit_label = "Continue"
    # "govuk-button--warning" for a button that undoes or refuses (cancel, decline, reject),
    # so it does not look like the page's green way forward.
    submit_class = ""
    helper: FormHelper

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The page writes the <form> and, when it posts, its {% csrf_token %}; crispy's own token
        # would put the secret in the address bar of search and filter forms, which use GET.
        self.helper.disable_csrf = True
        if self.submit_label:
            self.helper.add_input(
                Submit("submit", self.submit_label, css_class=self.submit_class or None)
            )
        # getattr: the mixin is typed alone; the form it is mixed into has the fields.
        for field in getattr(self, "fields", {}).values():
            field_messages_govuk(field)


class GovForm(GovFormMixin, forms.Form):
    pass


class GovModelForm(GovFormMixin, forms.ModelForm):
    pass


class GovDateWidget(DateInputWidget):
    """The day, month and year boxes; a single ISO date under the field's own name still reads.

    Links the service builds (downloads, "show these dates again") and older bookmarks carry
    ``starts_on=2026-09-01``; they keep working beside ``starts_on_0``, ``_1``, ``_2``.
    """

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        parts = [f"{name}_{i}" for i in range(3)]
        whole = data.get(name)
        if whole and not any(p in data for p in parts):
            year, _, rest = str(whole).partition("-")
            month, _, day = rest.partition("-")
            return [day, month, year]
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)


class GovDateField(DateInputField):
    """The GOV.UK date input (day, month and year boxes) in place of a browser date picker.

    ``what`` names the date in the messages, as GOV.UK asks: "Enter the date the bed is needed
    from", "The date the bed is needed from must be a real date". A half-filled date is told
    apart from an empty one (which part is missing), so ``require_all_fields`` is off.
    """

    widget = GovDateWidget

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        kwargs.setdefault("require_all_fields", False)
        super().__init__(**kwargs)
        # getattr: crispy-forms-gds is untyped, so mypy cannot see the attribute Django sets.
        messages: dict[str, Any] = dict(getattr(self, "error_messages", {}))
        self.error_messages = {
            **messages,
            "required": f"Enter {what}",
            "incomplete": f"Enter {what}",
            "invalid": f"{what[:1].upper()}{what[1:]} must be a real date",
        }

    def compress(self, data_list: Any) -> Any:
        # The library passes on Python's own words ("day is out of range for month").
        try:
            return super().compress(data_list)
        except forms.ValidationError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


# Django's own words, which name no field ("This field is required."): each is replaced by a
# message naming the field, as GOV.UK asks. A message a form sets itself is left alone.
_DJANGO_DEFAULTS = {
    "required": "This field is required.",
    "invalid_choice": "Select a valid choice. %(value)s is not one of the available choices.",
    "min_value": "Ensure this value is greater than or equal to %(limit_value)s.",
    "max_value": "Ensure this value is less than or equal to %(limit_value)s.",
}


def field_messages_govuk(field: forms.Field) -> None:
    """Give a field GOV.UK messages that name it, in place of Django's defaults."""
    label = str(field.label or "").strip().rstrip("?:")
    if not label:
        return
    name = label[:1].lower() + label[1:] if not label[:2].isupper() else label
    cap = label[:1].upper() + label[1:]
    if isinstance(field, forms.BooleanField):
        verb = "Tick"
    elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.FileField):
        verb = "Select"
    else:
        verb = "Enter"
    ours = {
        "required": f"{verb} {name}",
        "invalid_choice": " ".join(("Select", name, "from the list")),
        "min_value": f"{cap} must be %(limit_value)s or more",
        "max_value": f"{cap} must be %(limit_value)s or less",
        "max_length": f"{cap} must be %(limit_value)d characters or fewer",
        "min_length": f"{cap} must be %(limit_value)d characters or more",
    }
    if isinstance(field, forms.IntegerField):
        ours["invalid"] = f"{cap} must be a whole number"
    if isinstance(field, forms.DecimalField):
        ours["invalid"] = f"{cap} must be a number"
        ours["max_decimal_places"] = f"{cap} must have no more than %(max)s decimal places"
    if isinstance(field, forms.EmailField):
        ours["invalid"] = "Enter an email address in the correct format, like name@example.com"
    messages = dict(field.error_messages)
    for key, text in ours.items():
        current = str(messages.get(key, ""))
        default = _DJANGO_DEFAULTS.get(key)
        # Django's untouched message, or one only Django's validators would give (no key yet).
        if not current or current == default or _is_django_default(key, current):
            messages[key] = text
    field.error_messages = messages


def _is_django_default(key: str, text: str) -> bool:
    return text in {
        "Enter a number.",
        "Enter a whole number.",
        "Enter a valid email address.",
        "Select a valid choice. That choice is not one of the available choices.",
        "Select a valid choice. %(value)s is not one of the available choices.",
    } or text.startswith(("Ensure this value", "Ensure that there are no more than"))


def form_add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Attach a service's error to the field it names, or to the whole form."""
    if isinstance(exc, ValidationFailed) and isinstance(exc.errors, dict):
        for field, messages in exc.errors.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
        return
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)

"""GOV.UK-styled forms and the bridge from domain errors to form errors."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms

from caremarket.common.errors import DomainError, ValidationFailed


class GovFormMixin:
    submit_label = "Continue"
    helper: FormHelper

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The page writes the <form> and, when it posts, its {% csrf_token %}; crispy's own token
        # would put the secret in the address bar of search and filter forms, which use GET.
        self.helper.disable_csrf = True
        if self.submit_label:
            self.helper.add_input(Submit("submit", self.submit_label))


class GovForm(GovFormMixin, forms.Form):
    pass


class GovModelForm(GovFormMixin, forms.ModelForm):
    pass


class GovDateField(DateInputField):
    """The GOV.UK date input (day, month and year boxes) in place of a browser date picker.

    ``what`` names the date in the messages, as GOV.UK asks: "Enter the date the bed is needed
    from", "The date the bed is needed from must be a real date". A half-filled date is told
    apart from an empty one (which part is missing), so ``require_all_fields`` is off.
    """

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


def form_add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Attach a service's error to the field it names, or to the whole form."""
    if isinstance(exc, ValidationFailed) and isinstance(exc.errors, dict):
        for field, messages in exc.errors.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
        return
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)

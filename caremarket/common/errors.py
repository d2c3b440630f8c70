"""Domain errors raised by services; the API and views translate them to responses."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the service was broken; the message is shown to the person as written."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or self.__class__.__name__


class ValidationFailed(DomainError):
    status_code = 422

    def __init__(self, errors: list[str] | dict[str, list[str]] | str, *, field: str | None = None):
        if isinstance(errors, str):
            errors = [errors]
        self.errors = errors
        if isinstance(errors, dict):
            # The keys are field names for the API ("errors"); people read only the messages.
            text = " ".join(message for messages in errors.values() for message in messages)
        else:
            text = "; ".join(errors)
        super().__init__(text, field=field)


class NotPermitted(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409

"""Showing a service's refusal on the form that asked for the change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def apply_service_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, so the error summary and the fields show it:
    errors for a field of the form beside it, the rest at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)

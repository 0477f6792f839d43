from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """The request a ``login_required`` view receives (for type checking only)."""

    user: User
    htmx: HtmxDetails

"""Strings Django 6.1 shows whose Chinese its own catalogue does not have yet.

Listed here so that `makemessages` keeps them in our catalogue, which Django consults first.
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    gettext_noop("- Select an option -"),  # the new blank choice of selects and admin actions
)

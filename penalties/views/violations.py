"""Views: violations. This module's `urlpatterns` are included by penalties/urls.py."""

urlpatterns = []

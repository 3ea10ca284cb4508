"""Views: assessment. This module's `urlpatterns` are included by penalties/urls.py."""

urlpatterns = []

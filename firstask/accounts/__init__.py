"""Signing in: lockout after failed passwords (django-axes), session timeouts, password rules
and optional TOTP two-factor sign-in (django-otp). See docs/deployment.md and the README."""

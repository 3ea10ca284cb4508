import os

import pytest
from hypothesis import settings as hypothesis_settings

from tests.factories import StaffProfileFactory, UserFactory

# Property-based tests (tests/test_fuzz_forms.py): no example database in the work tree, no
# per-example deadline (a page render on a loaded CI machine is not a failure), and in CI the
# same examples every run. HYPOTHESIS_PROFILE=dev explores new examples each run.
hypothesis_settings.register_profile("ci", database=None, deadline=None, derandomize=True)
hypothesis_settings.register_profile("dev", database=None, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def make_staff(db):
    """make_staff(roles=[...], **profile_fields) -> a user with a staff profile and roles."""

    def make(*, roles=(), username=None, **profile_fields):
        user_kwargs = {"roles": list(roles)}
        if username:
            user_kwargs["username"] = username
        user = UserFactory(**user_kwargs)
        StaffProfileFactory(user=user, **profile_fields)
        return user

    return make

import pytest

from tests.factories import StaffProfileFactory, UserFactory


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

"""SQL that differs from one user to the next only by the user's id, compiled once.

Some queries run on every page (the header's counts, the tabs of "my cases") and took Django
longer to build than PostgreSQL to run (issue 9). Their SQL is built once per process and key
for a stand-in user whose id appears nowhere else, and run with the real user's id in its
place. The key must hold everything else the SQL depends on (the user's flags, the day).
"""

from collections.abc import Callable, Hashable

from django.db import connection

from inquiries.models import User

STAND_IN_ID = -(2**62) + 9


class CompiledPerUser:
    def __init__(self, build: Callable[..., tuple[str, tuple]], *, keep: int = 8):
        """`build(stand_in, **kwargs)` returns the (sql, params) of the query for `stand_in`;
        at most `keep` keys are kept (keys holding a day would otherwise pile up)."""
        self.build = build
        self.keep = keep
        self.compiled: dict[Hashable, tuple[str, tuple]] = {}

    def sql(self, key: Hashable, *, stand_in: dict, **kwargs) -> tuple[str, tuple]:
        """The SQL for `key`, built for a stand-in user with the fields `stand_in`."""
        if key not in self.compiled:
            if len(self.compiled) >= self.keep:
                self.compiled.clear()
            user = User(pk=STAND_IN_ID, **stand_in)
            self.compiled[key] = self.build(user, **kwargs)
        return self.compiled[key]

    def fetchone(self, user: User, key: Hashable, *, stand_in: dict, **kwargs) -> tuple | None:
        sql, params = self.sql(key, stand_in=stand_in, **kwargs)
        with connection.cursor() as cursor:
            cursor.execute(sql, [user.pk if value == STAND_IN_ID else value for value in params])
            return cursor.fetchone()

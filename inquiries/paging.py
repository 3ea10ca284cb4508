"""Pages of a list that may hold hundreds of thousands of rows, without COUNT(*) over it.

Django's Paginator counts the whole list on every page view (the office's "All" referrals:
128,000 rows, about half a second). `BoundedPaginator` counts at most `cap` + 1 rows: up to
the cap the page reads "Page 2 of 7" as before; beyond it the list says "1,000+" and the
page "Page 41", and whether there is a next page is known from one row read past the page.
Two queries per page, as with Django's Paginator: the bounded count and the page.
"""

from django.core.paginator import InvalidPage

CAP = 1000


def page_number(value) -> int:
    """A requested page number: 1 for anything that is not a positive number. Past the cap
    the number of pages is unknown; a very large number is an empty page (with a link back),
    never a huge OFFSET beyond what a reader can reach by "Next"."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 1
    return min(max(number, 1), 10**6)


class BoundedPaginator:
    """The parts of Django's Paginator the list templates use, with a bounded count."""

    def __init__(self, object_list, per_page: int, *, cap: int | None = None, count_source=None):
        """`count_source`, if given, is counted instead of the list: a queryset holding more
        than `cap` rows exactly when the list does, and otherwise its rows (e.g. a union of
        the list's branches, each stopping after `cap` + 1 rows)."""
        self.object_list = object_list
        self.per_page = per_page
        self.cap = CAP if cap is None else cap
        if count_source is None:
            # Unordered and only the key: PostgreSQL stops after cap + 1 rows of any index.
            count_source = object_list.order_by().values("pk")[: self.cap + 1]
        self.count = count_source.count()
        self.capped = self.count > self.cap
        if self.capped:
            self.count = self.cap

    @property
    def num_pages(self) -> int | None:
        """The number of pages when the count is exact; None beyond the cap."""
        if self.capped:
            return None
        return max(1, -(-self.count // self.per_page))

    def get_page(self, number) -> "BoundedPage":
        """The page `number`; the first for anything that is not a positive number, the last
        for one past the end when the end is known."""
        number = page_number(number)
        if self.num_pages is not None:
            number = min(number, self.num_pages)
        start = (number - 1) * self.per_page
        rows = list(self.object_list[start : start + self.per_page + 1])
        return BoundedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class BoundedPage:
    """A page: its rows, its number, and whether pages come before and after it."""

    def __init__(self, object_list: list, number: int, paginator: BoundedPaginator, *, more):
        self.object_list = object_list
        self.number = number
        self.paginator = paginator
        self._more = more

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        if not self.has_next():
            raise InvalidPage("That page contains no results")
        return self.number + 1

    def previous_page_number(self) -> int:
        if not self.has_previous():
            raise InvalidPage("That page number is less than 1")
        return self.number - 1

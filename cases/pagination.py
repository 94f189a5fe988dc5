"""Paging for lists that can hold a province's cases: the count stops at a cap instead of scanning all."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows (`SELECT count(*) FROM (… LIMIT n)`); `capped` says it stopped."""

    @cached_property
    def count(self) -> int:
        # the order does not change how many rows there are: without it the database need not sort them
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def shown_count(self) -> int:
        return min(self.count, COUNT_CAP)

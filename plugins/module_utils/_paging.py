# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading every page of a numbered listing, each record exactly once, or saying why not.

Both DTS API families page the same way: a page number, a page size, and a
``TotalRecordCount`` on every page.  What differs (the action, the parameter names, where the
records are, what identifies one) is handed in by the family's module.

The answers are not trusted.  A listing is read within fixed bounds (at most
``MAX_LISTED_RECORDS`` records, at most ``MAX_EXTRA_PAGES`` pages past the count page 1 gives,
at most a window of pages in flight), and a listing that does not add up is an error rather
than a silent subset: a count that is not a whole number or past the ceiling, a page of more
records than asked, a page before the last that is short or empty, a page that only repeats
records already read, a count that shrinks between pages, or one that keeps growing past what
the extra pages can follow.  Each is ``DtsApiError`` code ``InvalidResponse`` (transient: a
listing read while jobs were deleted reads whole the next time), naming the action and region.
"""

import reprlib
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Any, Callable, Dict, Hashable, List, Mapping, Optional, Sequence, Set

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError

# If the listing grows while it is read, records slide onto pages past the expected last
# one; read at most this many extra pages looking for them.
MAX_EXTRA_PAGES = 10
# The most records one listing (one action, one region) may count: more than three times the
# largest region the benchmarks list (30,000 jobs).  A count past it is an answer to refuse, not
# a listing to read: 10**9 would otherwise be a request per page until memory runs out.
MAX_LISTED_RECORDS = 100000
# The smallest page size any version of the documentation lists: page 1 holding fewer records
# than this (and fewer than the count) is a short page, not a silent cap on the page size.
MIN_PAGE_SIZE = 10


def total_records(page: Mapping[str, Any], action: str = 'listing', region: Optional[str] = None) -> int:
    """A page's ``TotalRecordCount``: a whole number from 0 to MAX_LISTED_RECORDS, else InvalidResponse."""
    value = page.get('TotalRecordCount')
    # The wire may carry numbers as strings; a bool is not a count, nor is 45.0 or 1e308.
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 12:
        value = int(value.strip())
    if type(value) is not int or value < 0:  # pylint: disable=unidiomatic-typecheck
        raise _invalid(
            action,
            region,
            page,
            'TotalRecordCount %s is not a whole number of records' % _shown(page.get('TotalRecordCount')),
        )
    if value > MAX_LISTED_RECORDS:
        raise _invalid(
            action,
            region,
            page,
            'TotalRecordCount %d is past the %d records a listing may hold' % (value, MAX_LISTED_RECORDS),
        )
    return value


def check_records(
    action: str, body: Mapping[str, Any], field: str, ids: Sequence[str], nested: Sequence[str] = ()
) -> None:
    """The shape every answer listing records must have, or InvalidResponse naming what is wrong.

    ``body[field]`` is a list of JSON objects; in each, the ``ids`` (what identifies the record,
    and what filters and keys are made of) are strings or absent; each of the ``nested`` fields is
    an object whose ``ids`` are strings too, or absent, null or empty.  What the record's other
    values hold is the normaliser's to check: they become null with a warning, not an error.
    """
    records = body.get(field)
    if not isinstance(records, list):
        raise DtsApiError(action, 'InvalidResponse', 'the answer has no list %s' % field, request_id=_request_id(body))
    for index, record in enumerate(records):
        problem = _shape_problem(record, ids, nested)
        if problem:
            raise DtsApiError(
                action,
                'InvalidResponse',
                'entry %d of %s %s' % (index + 1, field, problem),
                request_id=_request_id(body),
            )


def _shape_problem(record, ids, nested, depth=0):
    if not isinstance(record, dict):
        return 'is %s, not an object' % _shown(record)
    for name in ids:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return 'has %s %s, not a string' % (name, _shown(value))
    for name in nested if depth == 0 else ():
        value = record.get(name)
        if value not in (None, '', {}):
            problem = _shape_problem(value, ids, (), depth + 1)
            if problem:
                return '%s %s' % (name, problem)
    return None


def read_all_pages(
    fetch: Callable[[int, int], Any],
    records_of: Callable[[Any], List[Any]],
    key_of: Callable[[Any], Hashable],
    page_size: int,
    max_concurrency: int,
    action: str = 'listing',
    region: Optional[str] = None,
    transform: Optional[Callable[[Any], Any]] = None,
    transform_lock: Any = None,
) -> List[Any]:
    """Every record of a listing, in listing order, each key once (or ``transform(record)`` of each).

    ``fetch(page_number, page_size)`` returns one page; ``records_of(page)`` its records (a list of
    JSON objects: the family's page check makes sure); ``key_of(record)`` what makes a record the
    same one on another page.  Page 1 gives the total; the other pages are fetched with at most
    ``max_concurrency`` in flight, and no new page is asked for once one did not add up.
    ``action`` and ``region`` name the listing in errors.

    A service may hold fewer records on a page than asked without saying so (the documented page
    sizes of some actions disagree with what the service enforces).  When page 1 holds fewer than
    asked and fewer than the total (but at least MIN_PAGE_SIZE), what it holds is the real page
    size: the other pages are asked for at that size, so their offsets line up whichever size the
    service computes them with.

    ``transform`` (a normaliser) is applied to each new record as soon as its page and every page
    before it have arrived, while later pages wait for their turn (a paced listing spends most of
    its time waiting): the listing then ends about when its last page arrives. A listing that does
    not add up still raises, whatever was transformed.

    ``transform_lock`` (a lock shared by listings read at the same time) lets one listing transform
    at a time. A listing that finds it taken when a page arrives asks for its next pages and
    transforms later, rather than wait: paced requests then wait for the interpreter behind one
    thread making facts, not one per listing (it goes to any waiting thread: with twenty listings
    at work, the largest region's requests left up to 0.3 s late), and no listing's pages wait
    behind another's facts.
    """
    listing = _Listing(records_of, key_of, page_size, action, region, transform, transform_lock)
    expected_pages = _read_first_page(listing, fetch)
    listing.collect_ready(wait=False)
    if expected_pages > 1 and not listing.stopped:
        _fetch_in_window(
            lambda number: fetch(number, listing.page_size),
            range(2, expected_pages + 1),
            max_concurrency,
            listing.accept,
        )
    listing.collect_ready()
    _follow_growth(listing, fetch, expected_pages)
    listing.verdict()
    return listing.records


def _read_first_page(listing: '_Listing', fetch: Callable[[int, int], Any]) -> int:
    """Read page 1, take the page size it holds (or stop on a short page), and return the pages expected."""
    first = fetch(1, listing.page_size)
    listing.check(1, first)
    total, held = listing.totals[1], len(listing.records_of(first))
    if held < min(listing.page_size, total):
        if held >= MIN_PAGE_SIZE:
            listing.page_size = held
        else:
            listing.stop(1, 'page 1 holds %d records' % held)
    listing.expected_pages = max(1, -(-total // listing.page_size))
    return listing.expected_pages


def _follow_growth(listing: '_Listing', fetch: Callable[[int, int], Any], expected_pages: int) -> None:
    """The listing may have grown while it was read: follow full pages until the count is met."""
    number = expected_pages
    while (
        not listing.stopped
        and len(listing.seen) < listing.highest_total
        and len(listing.records_of(listing.pages[number])) >= listing.page_size
        and number < expected_pages + MAX_EXTRA_PAGES
    ):
        number += 1
        listing.check(number, fetch(number, listing.page_size))
        if not listing.collect_ready():
            break


class _Listing:
    """The pages read so far, the counts they gave, and the first page that did not add up."""

    def __init__(self, records_of, key_of, page_size, action, region, transform=None, transform_lock=None):
        self.records_of, self.key_of, self.action, self.region = records_of, key_of, action, region
        self.transform, self.transform_lock = transform, transform_lock
        # Pages 1..collected have been collected (in order: the first of two equal keys is kept).
        self.collected = 0
        self.page_size = page_size
        self.expected_pages = 1
        self.pages: Dict[int, Any] = {}
        self.totals: Dict[int, int] = {}
        self.highest_total = 0
        # The records' ids of each page, to tell a page served again under another number.
        self.signatures: Dict[Any, int] = {}
        self.records: List[Any] = []
        self.seen: Set[Hashable] = set()
        self.problem: Optional[Any] = None

    @property
    def stopped(self) -> bool:
        return self.problem is not None

    def stop(self, number: int, why: str) -> None:
        if self.problem is None or number < self.problem[0]:
            self.problem = (number, why)

    def check(self, number: int, page: Any) -> bool:
        """Look at one page as it arrives (in any order); False once reading should stop."""
        total = total_records(page, self.action, self.region)
        held = self.records_of(page)
        self.pages[number], self.totals[number] = page, total
        self.highest_total = max(self.highest_total, total)
        if len(held) > self.page_size:
            raise _invalid(
                self.action,
                self.region,
                page,
                'page %d holds %d records, more than the %d asked for' % (number, len(held), self.page_size),
            )
        signature = tuple(self._key(number, index, record) for index, record in enumerate(held))
        # Page 1 was read before every other page: a count below its count means jobs went away
        # while the listing was read, and the records after them slid onto pages already read.
        if number > 1 and total < self.totals[1]:
            self.stop(
                number,
                'TotalRecordCount went down from %d on page 1 to %d on page %d: the listing '
                'changed while it was read' % (self.totals[1], total, number),
            )
        elif signature and signature in self.signatures:
            self.stop(number, 'page %d repeats the records of page %d' % (number, self.signatures[signature]))
        elif number < self.expected_pages and len(held) < self.page_size:
            self.stop(
                number,
                'page %d of %d holds %d records, not %d' % (number, self.expected_pages, len(held), self.page_size),
            )
        self.signatures.setdefault(signature, number)
        return not self.stopped

    def _key(self, number, index, record):
        key = self.key_of(record)
        try:
            hash(key)
        except TypeError:
            raise _invalid(
                self.action,
                self.region,
                self.pages[number],
                'record %d of page %d has an id that is not a string' % (index + 1, number),
            ) from None
        return key

    def accept(self, number: int, page: Any) -> bool:
        """``check`` a page as it arrives, then collect every page now in order."""
        going = self.check(number, page)
        if going:
            self.collect_ready(wait=False)
        return going

    def collect_ready(self, wait: bool = True) -> int:
        """Collect the pages that follow those collected without a gap; return how many records were new.

        With a transform lock another listing holds, ``wait=False`` collects nothing (not yet).
        """
        lock = self.transform_lock
        if lock is not None and not lock.acquire(wait):
            return 0
        try:
            added = 0
            while not self.stopped and self.collected + 1 in self.pages:
                self.collected += 1
                added += self.collect(self.collected)
            return added
        finally:
            if lock is not None:
                lock.release()

    def collect(self, number: int) -> int:
        """Append the records of page ``number`` not seen before (transformed); return how many were new."""
        added = 0
        transform = self.transform
        for record in self.records_of(self.pages[number]):
            key = self.key_of(record)
            if key not in self.seen:
                self.seen.add(key)
                self.records.append(record if transform is None else transform(record))
                added += 1
        return added

    def verdict(self) -> None:
        """Raise InvalidResponse, naming why, unless the pages bore out the count."""
        counted = self.highest_total
        problem = self.problem
        if problem is None and len(self.seen) < counted:
            last = max(self.pages)
            if last >= self.expected_pages + MAX_EXTRA_PAGES:
                why = (
                    'TotalRecordCount kept growing (%d on page 1, %d on the last page read) past the %d '
                    'extra pages read to follow it' % (self.totals[1], counted, MAX_EXTRA_PAGES)
                )
            else:
                why = 'its %d pages hold fewer records than TotalRecordCount %d' % (last, counted)
            problem = (last, why)
        if problem is not None:
            raise _invalid(
                self.action,
                self.region,
                self.pages[problem[0]],
                (
                    '%s; %d distinct records read of the %d counted. The listing is incomplete and is not used; '
                    'if jobs were being created or deleted, run again.'
                )
                % (problem[1], self._distinct_read(), counted),
            )

    def _distinct_read(self) -> int:
        """Distinct records on every page read, collected or not (collecting stops at a problem)."""
        read = set(self.seen)
        for number, page in self.pages.items():
            if number > self.collected:
                read.update(self.key_of(record) for record in self.records_of(page))
        return len(read)


def _fetch_in_window(
    fetch: Callable[[int], Any], numbers: Sequence[int], width: int, accept: Callable[[int, Any], bool]
) -> None:
    """``fetch(number)`` for each of ``numbers``, at most ``width`` in flight, each page handed to
    ``accept(number, page)`` as it arrives; once ``accept`` says False no new page is asked for.

    Pages are asked for as slots free up rather than all at once, so a count the pages do not bear
    out costs a window of requests, not one per page it claims.  The first failure is raised once
    the requests in flight have ended.
    """
    numbers = list(numbers)
    if width <= 1 or len(numbers) <= 1:
        for number in numbers:
            if not accept(number, fetch(number)):
                return
        return
    with ThreadPoolExecutor(max_workers=min(width, len(numbers))) as pool:
        running: Dict[Any, int] = {}
        waiting = iter(numbers)
        going = True
        while True:
            while going and len(running) < width:
                following: Optional[int] = next(waiting, None)
                if following is None:
                    going = False
                    break
                running[pool.submit(fetch, following)] = following
            if not running:
                return
            done, _pending = wait(list(running), return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda finished: running[finished]):
                number = running.pop(future)
                if not accept(number, future.result()):
                    going = False


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 2, 30, 30


def _shown(value: Any) -> str:
    """A value from the answer, short enough for an error message (however deep it nests)."""
    text = _SHORT.repr(value)
    return text if len(text) <= 40 else text[:37] + '...'


def _request_id(page: Any) -> Optional[str]:
    request_id = page.get('RequestId') if isinstance(page, dict) else None
    return request_id if isinstance(request_id, str) else None


def _invalid(action: str, region: Optional[str], page: Any, why: str) -> DtsApiError:
    where = ' in region %s' % region if region else ''
    return DtsApiError(
        action, 'InvalidResponse', 'the listing%s does not add up: %s' % (where, why), request_id=_request_id(page)
    )

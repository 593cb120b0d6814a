# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading every page of a numbered listing, each record exactly once.

Both DTS API families page the same way: a page number, a page size, and a
``TotalRecordCount`` on every page.  What differs (the action, the parameter names, where the
records are, what identifies one) is handed in by the family's module.
"""

from typing import Any, Callable, Hashable, List, Mapping, Set

from ansible_collections.alibabacloud.dts.plugins.module_utils._client import run_concurrently

# If the listing grows while it is read, records slide onto pages past the expected last
# one; read at most this many extra pages looking for them.
MAX_EXTRA_PAGES = 10


def total_records(page: Mapping[str, Any]) -> int:
    try:
        return int(page['TotalRecordCount'])
    except (KeyError, TypeError, ValueError):
        return 0


def read_all_pages(fetch: Callable[[int, int], Any], records_of: Callable[[Any], List[Any]],
                   key_of: Callable[[Any], Hashable], page_size: int, max_concurrency: int) -> List[Any]:
    """Every record of a listing, in listing order, each key once.

    ``fetch(page_number, page_size)`` returns one page; ``records_of(page)`` its records;
    ``key_of(record)`` what makes a record the same one on another page.  Page 1 gives the total;
    the remaining pages are fetched concurrently.

    A service may hold fewer records on a page than asked without saying so (the documented page
    sizes of some actions disagree with what the service enforces).  When page 1 holds fewer than
    asked and fewer than the total, what it holds is the real page size: the other pages are asked
    for at that size, so their offsets line up whichever size the service computes them with.
    """
    first = fetch(1, page_size)
    held = len(records_of(first))
    if 0 < held < min(page_size, total_records(first)):
        page_size = held
    expected_pages = max(1, -(-total_records(first) // page_size))
    pages = [first]
    pages.extend(run_concurrently(lambda number: fetch(number, page_size), range(2, expected_pages + 1),
                                  max_concurrency))

    records: List[Any] = []
    seen: Set[Hashable] = set()
    for page in pages:
        _collect(records_of(page), key_of, records, seen)
    # The listing may have grown while we read it; follow full pages until the count is met.
    page_number = len(pages)
    while (len(records) < max(total_records(page) for page in pages)
           and len(records_of(pages[-1])) >= page_size
           and page_number < expected_pages + MAX_EXTRA_PAGES):
        page_number += 1
        pages.append(fetch(page_number, page_size))
        if not _collect(records_of(pages[-1]), key_of, records, seen):
            break
    return records


def _collect(page_records, key_of, records, seen):
    """Append the records not seen before; return how many were new."""
    added = 0
    for record in page_records:
        key = key_of(record)
        if key not in seen:
            seen.add(key)
            records.append(record)
            added += 1
    return added

# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The polling loop of the ``dts_sync_events`` event source: arguments, clients, listings, backoff.

The event source file is a thin entry point (ansible-rulebook runs it by path); what it does is
here, with the collection's other controller-only code, so that it is tested like the client:
with an injected clock and sleep, against the emulator.  It runs where ansible-rulebook runs,
never on a managed node, hence ``plugin_utils`` rather than ``module_utils``.
"""

import asyncio
import functools
from typing import Any, Awaitable, Callable, Mapping, Optional

from ansible_collections.alibabacloud.dts.plugins.module_utils._connection import (
    CONNECTION_OPTIONS,
    connect,
    validate_connection_params,
)
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsApiError, DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._events import JobWatch, error_event
from ansible_collections.alibabacloud.dts.plugins.module_utils._families import NAMES, validate_families
from ansible_collections.alibabacloud.dts.plugins.module_utils._job_model import IDENTITY
from ansible_collections.alibabacloud.dts.plugins.module_utils._jobs import list_job_facts_all, validate_job_ids
from ansible_collections.alibabacloud.dts.plugins.module_utils._retries import is_transient

SOURCE_OPTIONS = ('regions', 'job_ids', 'name', 'api', 'interval', 'delay_threshold', 'emit_snapshot', 'error_after')
DEFAULT_INTERVAL = 60
DEFAULT_ERROR_AFTER = 3
# A region that keeps failing is listed less often, up to this many intervals apart: polite to a
# service in trouble, and still back within minutes when it recovers.
MAX_BACKOFF_INTERVALS = 8


class Settings:
    """The source's arguments, checked before any request."""

    def __init__(self, args: Optional[Mapping[str, Any]]) -> None:
        args = dict(args or {})
        unknown = sorted(set(args) - set(CONNECTION_OPTIONS) - set(SOURCE_OPTIONS) - set(['region']))
        if unknown:
            raise DtsConfigError(
                'dts_sync_events does not know the argument(s) %s; it takes %s and the connection '
                'options %s.' % (', '.join(unknown), ', '.join(SOURCE_OPTIONS), ', '.join(CONNECTION_OPTIONS)),
                option=unknown[0],
            )
        self.connection = dict((name, args.get(name)) for name in CONNECTION_OPTIONS if args.get(name) is not None)
        validate_connection_params(self.connection)
        regions = args.get('regions') or ([args['region']] if args.get('region') else [None])
        if not isinstance(regions, list) or not all(region is None or isinstance(region, str) for region in regions):
            raise DtsConfigError(
                'regions must be a list of region ids, for example [cn-hangzhou, cn-beijing].', option='regions'
            )
        self.regions = list(dict.fromkeys(regions))
        self.job_ids = set(validate_job_ids(args.get('job_ids'))) or None
        self.name = args.get('name') or None
        self.apis = tuple(family.name for family in validate_families(args.get('api') or NAMES))
        self.interval = _number(args, 'interval', DEFAULT_INTERVAL, low=0.01)
        threshold = args.get('delay_threshold')
        self.delay_threshold = None if threshold is None else _number(args, 'delay_threshold', None, low=0)
        self.emit_snapshot = _boolean(args, 'emit_snapshot')
        self.error_after = int(_number(args, 'error_after', DEFAULT_ERROR_AFTER, low=1))


def _number(args, name, default, low):
    value = args.get(name, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or number < low:
        raise DtsConfigError('%s must be a number of seconds of at least %s, got %r.' % (name, low, value), option=name)
    return number


def _boolean(args, name):
    value = args.get(name, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ('true', 'yes', '1', 'false', 'no', '0'):
        return value.strip().lower() in ('true', 'yes', '1')
    raise DtsConfigError('%s must be true or false, got %r.' % (name, value), option=name)


def _log_warnings(client, logger):
    """Log, and forget, what the client has to say (values of an answer that could not be converted...):
    the client lives as long as the watch, its warnings must not pile up."""
    warnings = list(client.warnings)
    del client.warnings[:]
    for warning in warnings:
        logger.warning('%s', warning)


class _Region:
    """One region's client and its failure streak."""

    def __init__(self, client):
        self.client = client
        self.failures = 0
        self.next_due = 0.0


def _list(region, settings):
    jobs = list_job_facts_all(region.client, apis=settings.apis, name=settings.name)
    if settings.job_ids:
        jobs = [
            facts
            for facts in jobs
            if settings.job_ids.intersection((facts[IDENTITY]['job_id'], facts[IDENTITY]['instance_id']))
        ]
    return jobs


async def watch(
    queue: Any,
    args: Optional[Mapping[str, Any]],
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[Any]],
    logger: Any,
) -> None:
    """Poll until cancelled; see the event source's documentation for what is emitted."""
    settings = Settings(args)
    loop = asyncio.get_event_loop()
    # Clients are built once: credentials are resolved (and refreshed when temporary) per client.
    regions = []
    for region in settings.regions:
        client = await loop.run_in_executor(None, functools.partial(connect, settings.connection, region=region))
        regions.append(_Region(client))
        for warning in client.warnings:  # plain HTTP, unverified TLS, an unknown region let through
            logger.warning('%s', warning)
    logger.info('Watching DTS jobs in %s every %ss', ', '.join(r.client.region for r in regions), settings.interval)
    watch = JobWatch(settings.delay_threshold)
    while True:
        started = clock()
        due = [region for region in regions if region.next_due <= started]
        results = await asyncio.gather(
            *[loop.run_in_executor(None, _list, region, settings) for region in due], return_exceptions=True
        )
        for region, result in zip(due, results):
            name = region.client.region
            _log_warnings(region.client, logger)
            if isinstance(result, Exception) and not isinstance(result, (DtsApiError, DtsConfigError)):
                # Whatever an answer made go wrong is this region's failure, not the end of the watch.
                result = DtsApiError(
                    'Listing',
                    'UnexpectedError',
                    'listing the jobs of %s failed: %s: %s' % (name, type(result).__name__, str(result)[:500]),
                )
            if isinstance(result, (DtsApiError, DtsConfigError)):
                region.failures += 1
                # A refusal will not pass by itself: say so at once; transient trouble only once it persists.
                threshold = settings.error_after if isinstance(result, DtsApiError) and is_transient(result) else 1
                if region.failures == threshold:
                    await queue.put(error_event(None, name, result, region.failures))
                backoff = min(2 ** (region.failures - 1), MAX_BACKOFF_INTERVALS) * settings.interval
                region.next_due = started + backoff
                logger.warning(
                    'Listing DTS jobs in %s failed (%d in a row; next try in %ss): %s',
                    name,
                    region.failures,
                    backoff,
                    result.describe() if hasattr(result, 'describe') else result,
                )
                continue
            if isinstance(result, BaseException):
                raise result
            region.failures = 0
            region.next_due = 0.0
            for event in watch.observe(None, name, result, snapshot=settings.emit_snapshot):
                await queue.put(event)
        await sleep(max(0.0, settings.interval - (clock() - started)))

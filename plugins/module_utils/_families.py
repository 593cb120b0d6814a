# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry of API families, and the rules that read more than one of them.

A family is added here and nowhere else: every face asks this registry which families there
are, lists and reads statuses through them, and merges their descriptions of one job with
``merge_records`` (the one precedence rule: the higher ``precedence`` describes the job, the
others fill in what it lacks).  See docs/architecture.md, "Adding an API family".
"""

from typing import Any, Callable, Collection, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.alibabacloud.dts.plugins.module_utils._api_current import CURRENT
from ansible_collections.alibabacloud.dts.plugins.module_utils._api_legacy import LEGACY
from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError
from ansible_collections.alibabacloud.dts.plugins.module_utils._job_model import (
    IDENTITY,
    Family,
    fill_missing,
    identity_key,
)

# In the order a region is listed and ids are read: the cheapest status read first.
FAMILIES: Tuple[Family, ...] = (LEGACY, CURRENT)
BY_NAME: Dict[str, Family] = dict((family.name, family) for family in FAMILIES)
NAMES: Tuple[str, ...] = tuple(family.name for family in FAMILIES)
AUTO = 'auto'


def family(name: str) -> Family:
    return BY_NAME[name]


def validate_families(names: Any, option: str = 'api') -> List[Family]:
    """The families ``names`` (a name or a list) asks for, in registry order; refused with the valid ones."""
    names = [names] if isinstance(names, str) else list(names or [])
    unknown = [name for name in names if name not in BY_NAME]
    if unknown or not names:
        raise DtsConfigError(
            '%s must name %s (the default is all of them), got %r.' % (option, ' and/or '.join(NAMES), names),
            option=option,
        )
    return [known for known in FAMILIES if known.name in names]


def families_for(api: str, option: str = 'api') -> List[Family]:
    """The families a status read with ``api`` (``auto`` or a family's name) asks, in registry order."""
    if api == AUTO:
        return list(FAMILIES)
    if api not in BY_NAME:
        raise DtsConfigError('%s must be one of %s, got %r.' % (option, ', '.join((AUTO,) + NAMES), api), option=option)
    return [BY_NAME[api]]


def family_of(facts: Mapping[str, Any]) -> Optional[Family]:
    """The family that described ``facts``: its identity block or ``api`` says, else whichever
    family's job id the facts hold (highest precedence first)."""
    block = facts.get(IDENTITY)
    named = block.get('family') if isinstance(block, Mapping) else facts.get('api')
    if named in BY_NAME:
        return BY_NAME[named]
    for candidate in sorted(FAMILIES, key=lambda known: -known.precedence):
        if candidate.identity(facts, None)['job_id']:
            return candidate
    return None


def identity_of(facts: Mapping[str, Any], region: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """The identity block of a fact dict (or a view of host variables); None when it names no job."""
    block = facts.get(IDENTITY)
    if isinstance(block, Mapping) and block.get('family') in BY_NAME and block.get('instance_id'):
        return dict(block)
    known = family_of(facts)
    if known is None:
        return None
    identity = known.identity(facts, region if region is not None else facts.get('region'))
    return identity if identity['job_id'] else None


def precedence(name: Any) -> int:
    known = BY_NAME.get(name)
    return known.precedence if known is not None else 0


# (loser, winner) -> _renames: the same few pairs for every job of a listing.
_RENAMES: Dict[Tuple[str, str], Dict[str, str]] = {}


def _renames(loser: Family, winner: Family) -> Dict[str, str]:
    """The loser's fact names for the identity parts, as the winner names them (not repeated by a merge)."""
    try:
        return _RENAMES[loser.name, winner.name]
    except KeyError:
        winner_names = winner.shared_facts
        renames = dict((name, winner_names[key]) for key, name in loser.shared_facts.items() if key in winner_names)
        return _RENAMES.setdefault((loser.name, winner.name), renames)


def merge_records(records: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Facts of one region from any families, each job direction once: THE precedence rule.

    Records name their job by their identity block (instance id and direction).  Where several
    families describe one job direction, the record of the highest ``precedence`` is kept where
    it stands, with every fact only the others have (``_job_model.fill_missing``: the legacy
    precheck details, for one).  Order is kept otherwise.
    """
    records = list(records)
    groups: Dict[Tuple[Any, Any], List[Dict[str, Any]]] = {}
    order: List[Tuple[Any, Any]] = []
    for facts in records:
        key = identity_key(facts[IDENTITY])
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(facts)
    winners: List[Tuple[Dict[str, Any], Dict[str, Any]]] = []
    for key in order:
        described = sorted(groups[key], key=lambda facts: -precedence(facts[IDENTITY]['family']))
        merged = described[0]
        for other in described[1:]:
            merged = fill_missing(
                merged, other, _renames(family(other[IDENTITY]['family']), family(merged[IDENTITY]['family']))
            )
        winners.append((described[0], merged))
    # Each job where its describing family's record stands in the input.
    position = dict((id(winner), merged) for winner, merged in winners)
    return [position[id(facts)] for facts in records if id(facts) in position]


def with_identity(facts: Optional[Collection[str]]) -> Optional[Collection[str]]:
    """A fact selection that also keeps the identity block (None keeps everything already)."""
    return None if facts is None else frozenset(facts) | frozenset([IDENTITY])


def normalizer(
    known: Family,
    region: Optional[str],
    facts: Optional[Collection[str]] = None,
    warn: Optional[Callable[[str], Any]] = None,
) -> Callable[[Mapping[str, Any]], List[Dict[str, Any]]]:
    """The facts of one raw record of ``known``'s listing (one per job direction it describes), each
    with ``api`` and its identity: a ``transform`` for ``read_all_pages``, so that a listing's records
    are normalised while its later pages wait for their turn; ``warn`` hears of values that could not
    be converted (see _normalize)."""
    selection = with_identity(facts)

    def normalize(record: Mapping[str, Any]) -> List[Dict[str, Any]]:
        normalized = known.normalize(record, region, selection, warn)
        for fact in normalized:
            fact['api'] = fact[IDENTITY]['family']
        return normalized

    return normalize


def merge_normalized(normalized: Mapping[str, Iterable[List[Dict[str, Any]]]]) -> List[Dict[str, Any]]:
    """Several families' listings of one region, each record made facts by ``normalizer``
    (``{family name: [facts of each record]}``), merged by ``merge_records`` in registry order."""
    return merge_records(
        fact for known in FAMILIES for record_facts in normalized.get(known.name) or () for fact in record_facts
    )


def normalize_listings(
    listings: Mapping[str, Sequence[Mapping[str, Any]]],
    region: Optional[str],
    facts: Optional[Collection[str]] = None,
    warn: Optional[Callable[[str], Any]] = None,
) -> List[Dict[str, Any]]:
    """Raw records of several families' listings of one region (``{family name: records}``) as facts:
    ``normalizer`` then ``merge_normalized``."""
    normalized = {}
    for known in FAMILIES:
        normalize = normalizer(known, region, facts, warn)
        normalized[known.name] = [normalize(record) for record in listings.get(known.name) or ()]
    return merge_normalized(normalized)

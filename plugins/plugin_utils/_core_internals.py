# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place the collection relies on ansible-core internals: shortcuts for speed, each with the public API
as its fallback.

- ``compiled_once(templar)``: the inventory's ``compose``, ``groups`` and ``keyed_groups`` expressions
  compiled once for all hosts, by remembering the template engine's ``_compile_expression``.
- ``HostFacts(inventory)``: a host's job facts written into the host's ``vars`` dict once ansible-core
  has checked the variable name, instead of going through ``set_variable`` for every value.
- ``host_variables(hostvars)``: the audit reads a host's own variables from ``hostvars._inventory``
  instead of building and templating its whole variable set.
- ``plugin_data(value)``: a filter reads what another plugin returned in the same template (the audit's
  records, its report) as the plain data it is, instead of through a lazy container that templates
  every value read.

A shortcut is taken only on an ansible-core release whose internals were checked
(``CHECKED_CORE_RELEASES``; ``tests/unit/plugins/plugin_utils/test_core_internals.py`` runs on each
and fails when an internal a shortcut relies on changes) and only when the object in hand still
has what it needs; anywhere else the public API is used, slower, with the same result.  The tests
run both paths on every supported core.  docs/benchmarks.md says what each shortcut saves.
"""

import contextlib
from typing import Any, Callable, Dict, Iterator, Mapping, Optional, Set, Tuple

from ansible.release import __version__ as CORE_VERSION
from ansible.utils.unsafe_proxy import wrap_var

# The ansible-core releases (major.minor) whose internals the shortcuts were checked against.
CHECKED_CORE_RELEASES = ('2.19', '2.20', '2.21')


def core_release(version: str = CORE_VERSION) -> str:
    """'2.19.4' -> '2.19'."""
    return '.'.join(version.split('.')[:2])


def internals_checked(version: str = CORE_VERSION) -> bool:
    """True on a release whose internals the shortcuts were checked against."""
    return core_release(version) in CHECKED_CORE_RELEASES


# Whether this process takes the shortcuts: decided once, by the running ansible-core.
USE_INTERNALS = internals_checked()


def _use(internals: Optional[bool]) -> bool:
    return USE_INTERNALS if internals is None else internals


# -- compose, groups and keyed_groups: each expression compiled once ------------------------------


@contextlib.contextmanager
def compiled_once(templar: Any, internals: Optional[bool] = None) -> Iterator[None]:
    """Compile each compose/groups/keyed_groups expression once for all hosts instead of once per host.

    ansible-core's templar compiles an expression on every evaluation (2.19: ``evaluate_expression``
    -> ``_compile_expression``), which was three quarters of a parse with constructed options over
    thousands of jobs. A compiled Jinja expression depends only on its text and options, so while the
    hosts are built the engine's compile step is remembered per (expression, options). Evaluation,
    trust checks and errors are unchanged. Without the shortcut (or on an engine without that step)
    nothing is changed.
    """
    engine = getattr(templar, '_engine', None)
    compile_expression = getattr(engine, '_compile_expression', None)
    if not _use(internals) or compile_expression is None or '_compile_expression' in vars(engine):
        yield
        return
    compiled: Dict[Tuple[str, Any], Any] = {}

    def remembered(expression, options):
        try:
            key = (str(expression), options)
            return compiled[key]
        except KeyError:
            compiled[key] = result = compile_expression(expression, options)
            return result
        except TypeError:  # options that cannot be a key: compile as ansible-core would
            return compile_expression(expression, options)

    engine._compile_expression = remembered
    try:
        yield
    finally:
        del engine._compile_expression


# -- a host's job facts ----------------------------------------------------------------------------

_SCALARS = frozenset([str, int, float, bool, type(None)])


def is_plain(value: Any) -> bool:
    """True for JSON-shaped data: dicts with string keys, lists, strings, numbers, booleans, None.

    What a job fact must be to be stored on its host directly. ansible-core 2.19's inventory inspects
    every value a plugin gives ``set_variable``: it copies it recursively, checking each type and tagging
    each value with its origin, which was two thirds of a parse of thousands of jobs (about 0.5 ms a
    host) and a second copy of every fact in memory. The facts are plain data the normaliser has just
    built from decoded JSON, new objects for each host, so checking their types is enough; anything
    else goes through ``set_variable``. An exact str cannot carry trust: no plain value is a template.
    """
    # A stack rather than recursion: this runs over every fact of every host (a million values at
    # 30,000 jobs), and a call per scalar was most of its time.
    stack = [value]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is dict:
            # The exact type: a str subclass (ansible-core's tagged strings) is not plain.
            if any(type(key) is not str for key in value):  # pylint: disable=unidiomatic-typecheck
                return False
            items: Any = value.values()
        elif kind is list:
            items = value
        else:
            if kind not in _SCALARS:
                return False
            continue
        for item in items:
            kind = type(item)
            if kind is dict or kind is list:
                stack.append(item)
            elif kind not in _SCALARS:
                return False
    return True


class HostFacts:
    """Sets job facts on an inventory's hosts: plain data directly in the host's ``vars`` once
    ansible-core has checked the name, anything else through ``set_variable`` (untrusted: ``wrap_var``).

    ``checked``: the variable names ansible-core's Host.set_variable has already checked (the same few
    dozen on every host), stored directly on the other hosts. ``inspected``: id -> (string, what
    ``set_variable`` made of it) for strings ansible-core tags (the region and account come from the
    configuration): one string object is the same on every host of a region, inspected once. Without the
    shortcut every fact goes through ``inventory.set_variable``.
    """

    def __init__(self, inventory: Any, internals: Optional[bool] = None) -> None:
        self.inventory = inventory
        self.internals = _use(internals)
        self.checked: Set[str] = set()
        self.inspected: Dict[int, Tuple[str, Any]] = {}

    def set(self, host: str, hostvars: Mapping[str, Any], plain: Optional[bool] = None) -> None:
        """Set ``hostvars`` on ``host``. ``plain``: what ``is_plain(hostvars)`` said, if the caller asked
        already (and has not changed them since); None to ask here."""
        if not self.internals:
            for key, value in hostvars.items():
                self.inventory.set_variable(host, key, value if is_plain(value) else wrap_var(value))
            return
        host_object = self.inventory.get_host(host)
        own = host_object.vars
        # Every name already checked, none on the host yet, every value plain: the common case
        # (every host after the first), in one step.
        if (
            self.checked.issuperset(hostvars)
            and own.keys().isdisjoint(hostvars)
            and (is_plain(hostvars) if plain is None else plain)
        ):
            own.update(hostvars)
            return
        for key, value in hostvars.items():
            self._set_one(host, host_object, key, value)

    def _set_one(self, host, host_object, key, value):
        own = host_object.vars
        # Only a name ansible-core has checked, on a host that does not have it yet (a host of another
        # source keeps ansible-core's merging), is stored directly.
        direct = key in self.checked and key not in own
        plain = is_plain(value)
        seen = self.inspected.get(id(value)) if isinstance(value, str) and not plain else None
        if direct and plain:
            own[key] = value
            return
        if direct and seen is not None and seen[0] is value:
            own[key] = seen[1]
            return
        if plain:
            host_object.set_variable(key, value)
        else:
            self.inventory.set_variable(host, key, wrap_var(value))
        # Host.set_variable may replace the host's dict (merging a mapping into one it has).
        if isinstance(value, str) and not plain:
            self.inspected[id(value)] = (value, host_object.vars[key])
        if type(key) is str:  # pylint: disable=unidiomatic-typecheck
            self.checked.add(key)


# -- the audit: a host's own variables --------------------------------------------------------------


def host_variables(hostvars: Any, internals: Optional[bool] = None) -> Callable[[str], Optional[Mapping[str, Any]]]:
    """A function from a host name to the variables its job facts are read from, or None for no such host.

    Ansible's ``hostvars[name]`` builds the host's whole variable set (group variables, vars plugins,
    magic variables) and templates every value read: milliseconds a host, most of an audit of
    thousands of jobs. The inventory sets the job facts on the host itself, so with the shortcut they
    are read from the inventory's host (``hostvars._inventory``), whose ``vars`` hold them as set (not
    ``get_vars()``, which copies them with the magic variables into a new dict for every host). Any other
    mapping (plain data, or a ``hostvars`` without an inventory) is read as it is.
    """
    inventory = getattr(hostvars, '_inventory', None) if _use(internals) else None
    get_host = getattr(inventory, 'get_host', None)
    if get_host is None:
        return lambda name: hostvars[name] if name in hostvars else None

    def read(name):
        host = get_host(name)
        return host.vars if host is not None else None

    return read


# -- the audit: what another plugin returned ---------------------------------------------------------


def plugin_data(value: Any, internals: Optional[bool] = None) -> Any:
    """``value`` as the plain data a plugin returned, when it is what a plugin returned; else as it is.

    ansible-core (2.19) hands a filter every list and dict as a lazy container that templates each
    value when it is read, about 7 microseconds a value: most of an audit of thousands of jobs, whose
    records go from one filter to the next in one expression. What a plugin returns is wrapped with
    templating off (a plugin returns data, not templates), so its values are the very objects the
    plugin returned: with the shortcut such a container is unwrapped in one pass over its top level
    (what ansible-core itself does to finish a template's result). A container that templates its
    values (a variable's), and anything else, is returned as it is.
    """
    unwrap = getattr(value, '_non_lazy_copy', None) if _use(internals) else None
    if unwrap is None or getattr(getattr(value, '_lazy_options', None), 'template', True) is not False:
        return value
    return unwrap()

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ansible-core adapter: both paths give the same result on the running core, and the internals the
shortcuts rely on are still there.

`make test-matrix` runs this file on every supported ansible-core: a release that renames or reshapes
an internal fails the tests of the second section, and one not yet checked fails the first.
"""

import inspect

import pytest
from ansible.inventory.data import InventoryData
from ansible.inventory.host import Host
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
from ansible.vars.hostvars import HostVars
from ansible.vars.manager import VariableManager

from ansible_collections.alibabacloud.dts.plugins.plugin_utils import _core_internals
from ansible_collections.alibabacloud.dts.plugins.plugin_utils._core_internals import (
    HostFacts,
    compiled_once,
    host_variables,
    internals_checked,
)

BOTH_PATHS = pytest.mark.parametrize('internals', [True, False], ids=['shortcut', 'public-api'])


# -- the version check ---------------------------------------------------------------------------------


def test_the_running_core_is_one_the_shortcuts_were_checked_against():
    # A new ansible-core release fails here until its internals are checked and it is added.
    assert internals_checked() and _core_internals.USE_INTERNALS


@pytest.mark.parametrize(
    'version, checked',
    [('2.19.0', True), ('2.20.3rc1', True), ('2.21.1', True), ('2.18.9', False), ('2.22.0', False), ('3.0.0', False)],
)
def test_another_release_takes_the_public_api(version, checked):
    assert internals_checked(version) is checked


# -- the internals each shortcut relies on -------------------------------------------------------------


def test_the_template_engine_compiles_each_expression_through_compile_expression():
    from ansible._internal._templating._engine import TemplateEngine

    parameters = list(inspect.signature(TemplateEngine._compile_expression).parameters)
    assert parameters == ['self', 'expression', 'options']
    templar = Templar(loader=DataLoader(), variables={'delay': 21})
    assert isinstance(templar._engine, TemplateEngine)
    calls = []
    original = templar._engine._compile_expression

    def counting(expression, options):
        calls.append(str(expression))
        return original(expression, options)

    templar._engine._compile_expression = counting
    assert templar.evaluate_expression(trust_as_template('delay * 2')) == 42
    assert calls == ['delay * 2']


def test_a_host_keeps_its_own_variables_in_its_vars_dict():
    assert list(inspect.signature(Host.set_variable).parameters) == ['self', 'key', 'value']
    host = Host('dtsjob')
    host.set_variable('dts_status', 'Failed')
    assert isinstance(host.vars, dict) and host.vars['dts_status'] == 'Failed'
    host.vars['dts_delay'] = 3
    assert host.get_vars()['dts_delay'] == 3


def test_hostvars_holds_its_inventory_as__inventory():
    hostvars, inventory = _hostvars({'dtsjob': {'dts_status': 'Failed'}})
    assert hostvars._inventory is inventory
    assert hostvars._inventory.get_host('dtsjob').get_vars()['dts_status'] == 'Failed'


# -- both paths, one result ------------------------------------------------------------------------------


@BOTH_PATHS
def test_expressions_evaluate_alike_and_the_engine_is_left_as_found(internals, monkeypatch):
    templar = Templar(loader=DataLoader())
    engine_type = type(templar._engine)
    original = engine_type._compile_expression
    compiled = []

    def counting(engine, expression, options):
        compiled.append(str(expression))
        return original(engine, expression, options)

    monkeypatch.setattr(engine_type, '_compile_expression', counting)
    results = []
    with compiled_once(templar, internals=internals):
        for delay in (10, 20, 30):
            templar.available_variables = {'dts_delay': delay}
            results.append(templar.evaluate_expression(trust_as_template('dts_delay > 15')))
    assert results == [False, True, True]
    assert len(compiled) == (1 if internals else 3)
    assert '_compile_expression' not in vars(templar._engine)


@BOTH_PATHS
def test_host_facts_are_set_alike(internals):
    inventory = InventoryData()
    facts = HostFacts(inventory, internals=internals)
    untrusted = trust_as_template('{{ lookup("pipe", "id") }}')
    for name in ('dtsa', 'dtsb'):
        inventory.add_host(name)
        facts.set(name, {'dts_status': 'Failed', 'dts_tags': {'env': 'prod'}, 'dts_name': untrusted, 'dts_ids': [1, 2]})
    for name in ('dtsa', 'dtsb'):
        variables = inventory.get_host(name).get_vars()
        assert variables['dts_status'] == 'Failed' and variables['dts_tags'] == {'env': 'prod'}
        assert variables['dts_ids'] == [1, 2]
        # A string that arrived marked as a template is stored as data, on either path.
        assert variables['dts_name'] == untrusted and not Templar(loader=DataLoader()).is_template(
            variables['dts_name']
        )


@BOTH_PATHS
def test_the_audit_reads_the_same_job_facts(internals):
    hostvars, _inventory = _hostvars({'dtsa': {'dts_status': 'Failed', 'dts_delay': 7}, 'dtsb': {}})
    read = host_variables(hostvars, internals=internals)
    assert read('dtsa')['dts_status'] == 'Failed' and read('dtsa')['dts_delay'] == 7
    assert 'dts_status' not in read('dtsb') and read('nosuchhost') is None


def test_plain_data_is_read_as_it_is():
    read = host_variables({'dtsa': {'dts_status': 'Failed'}})
    assert read('dtsa') == {'dts_status': 'Failed'} and read('other') is None


# -- helpers ------------------------------------------------------------------------------------------


def _hostvars(hosts):
    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[])
    for name, variables in hosts.items():
        inventory.add_host(name)
        for key, value in variables.items():
            inventory.get_host(name).set_variable(key, value)
    return HostVars(inventory, VariableManager(loader=loader, inventory=inventory), loader), inventory

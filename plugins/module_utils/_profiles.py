# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The profile files users already have: the aliyun CLI's config.json and the INI credentials file.

Reading only: what a profile says, never what it resolves to (``_credentials`` does that).  Also
the region fallback chain, which reads the same CLI profile, and the one boolean parser of the
collection's switches (environment variables, profile flags).
"""

import json
import os
from configparser import ConfigParser, Error as ConfigParserError
from typing import Any, Dict, Mapping, Optional

from ansible_collections.alibabacloud.dts.plugins.module_utils._errors import DtsConfigError

CLI_CONFIG = os.path.join('.aliyun', 'config.json')
CREDENTIALS_INI = os.path.join('.alibabacloud', 'credentials.ini')
TRUE_WORDS = ('1', 'true', 'yes', 'on')


def is_true(value: Any) -> bool:
    """The collection's one reading of a switch: a JSON boolean, or 1/true/yes/on in any case."""
    if isinstance(value, bool):
        return value
    return str(value if value is not None else '').strip().lower() in TRUE_WORDS


def env_value(environ: Mapping[str, str], *names: str) -> Optional[str]:
    """The first of ``names`` set to a non-empty value in ``environ``."""
    for name in names:
        if environ.get(name):
            return environ[name]
    return None


def profile_name(params: Mapping[str, Any], environ: Mapping[str, str]) -> Optional[str]:
    return params.get('profile') or env_value(environ, 'ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE')


def cli_config_path(home: str) -> str:
    return os.path.join(home, CLI_CONFIG)


def ini_path(environ: Mapping[str, str], home: str) -> str:
    """The INI file of the chain: ALIBABA_CLOUD_CREDENTIALS_FILE, else ~/.alibabacloud/credentials.ini."""
    explicit = env_value(environ, 'ALIBABA_CLOUD_CREDENTIALS_FILE')
    return os.path.expanduser(explicit) if explicit else os.path.join(home, CREDENTIALS_INI)


def cli_disabled(environ: Mapping[str, str]) -> bool:
    return is_true(environ.get('ALIBABA_CLOUD_CLI_PROFILE_DISABLED'))


def read_cli_config(path: str) -> Dict[str, Any]:
    """config.json as a dict; a file that exists but cannot be read or parsed is an error naming it."""
    try:
        with open(path) as handle:
            config = json.load(handle)
    except (IOError, OSError) as error:
        raise DtsConfigError(
            'Cannot read the aliyun CLI configuration %s: %s' % (path, error.strerror), option='profile'
        ) from error
    except ValueError as error:
        raise DtsConfigError(
            'The aliyun CLI configuration %s is not valid JSON: %s. Fix it with `aliyun configure`, '
            'or set ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true to skip it.' % (path, error),
            option='profile',
        ) from None
    if not isinstance(config, dict) or not isinstance(config.get('profiles') or [], list):
        raise DtsConfigError(
            'The aliyun CLI configuration %s is not a {"current": ..., "profiles": [...]} object.' % path,
            option='profile',
        )
    return config


def cli_profile(config: Mapping[str, Any], name: Optional[str]) -> Optional[Dict[str, Any]]:
    """The profile called ``name`` in a CLI configuration, or None."""
    for profile in config.get('profiles') or []:
        if isinstance(profile, dict) and profile.get('name') == name:
            return profile
    return None


def read_ini(path: str, option: Optional[str]) -> Dict[str, Dict[str, str]]:
    """{section: {key: value}} of an INI credentials file.

    Read as the official library reads it: everything after a ``#`` in a value is a comment
    (``type = access_key  # static``); ``%`` is a plain character (no interpolation).
    """
    parser = ConfigParser(interpolation=None)
    try:
        with open(path) as handle:
            parser.read_file(handle)
    except (IOError, OSError) as error:
        raise DtsConfigError(
            'Cannot read the credentials file %s: %s' % (path, error.strerror), option=option
        ) from error
    except ConfigParserError as error:
        raise DtsConfigError(
            'The credentials file %s is not a valid INI file: %s' % (path, str(error).splitlines()[0]), option=option
        ) from None
    return dict(
        (section, dict((key, value.split('#')[0].strip()) for key, value in parser.items(section)))
        for section in parser.sections()
    )


def resolve_region(
    params: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None, home: Optional[str] = None
) -> Optional[str]:
    """region option, ALIBABA_CLOUD_REGION_ID, ALICLOUD_REGION(_ID), then the CLI profile's region_id."""
    environ = os.environ if environ is None else environ
    region = params.get('region') or env_value(
        environ, 'ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION', 'ALICLOUD_REGION_ID'
    )
    if region:
        return region
    path = cli_config_path(home or os.path.expanduser('~'))
    if cli_disabled(environ) or not os.path.isfile(path):
        return None
    config = read_cli_config(path)
    profile = cli_profile(config, profile_name(params, environ) or config.get('current'))
    return (profile or {}).get('region_id') or None

# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's version, said once: the user agent carries it, and the release check
(tests/release/check_build.sh) fails when it differs from galaxy.yml's."""

COLLECTION_VERSION = '0.4.0'
USER_AGENT = 'ansible-collection-alibabacloud.dts/%s' % COLLECTION_VERSION

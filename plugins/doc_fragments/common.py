# -*- coding: utf-8 -*-
# Copyright: Contributors to the alibabacloud.dts collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The connection options shared by every module, the inventory plugin and the role's auth dict.
    DOCUMENTATION = r"""
options:
  access_key_id:
    description:
      - Alibaba Cloud AccessKey ID.
      - O(access_key_id) and O(access_key_secret), then O(profile) or O(credentials_file), then
        O(ecs_role_name) pin the credential source. Without them credentials come from the first
        source that is configured, in the official Alibaba Cloud credential chain's order, the
        environment keys E(ALIBABA_CLOUD_ACCESS_KEY_ID) and E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) (then
        E(ALICLOUD_ACCESS_KEY) and E(ALICLOUD_SECRET_KEY)); the OIDC role of E(ALIBABA_CLOUD_ROLE_ARN),
        E(ALIBABA_CLOUD_OIDC_PROVIDER_ARN) and E(ALIBABA_CLOUD_OIDC_TOKEN_FILE) (RRSA on ACK, through
        STS AssumeRoleWithOIDC); the aliyun CLI profile in C(~/.aliyun/config.json); the INI file
        E(ALIBABA_CLOUD_CREDENTIALS_FILE) or C(~/.alibabacloud/credentials.ini); the ECS instance RAM
        role, named by E(ALIBABA_CLOUD_ECS_METADATA) or discovered from the metadata service; and
        E(ALIBABA_CLOUD_CREDENTIALS_URI).
      - A source that is configured but broken (half a key pair, a config.json that does not parse,
        a named profile that does not exist) is an error, not a reason to try the next source.
      - Temporary credentials are refreshed before they expire. Modules return where they came from
        as C(credentials_source).
      - STS calls go to E(ALIBABA_CLOUD_STS_ENDPOINT), else to C(sts.<region>.aliyuncs.com) or
        C(sts-vpc.<region>.aliyuncs.com) for E(ALIBABA_CLOUD_STS_REGION) or a profile's C(sts_region)
        (VPC with E(ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED) or the profile's C(enable_vpc)), else to C(sts.aliyuncs.com).
    type: str
    aliases: [access_key, alicloud_access_key]
  access_key_secret:
    description:
      - Alibaba Cloud AccessKey secret. Required with O(access_key_id).
      - Never returned, logged or shown in errors.
    type: str
    aliases: [secret_key, alicloud_secret_key]
  security_token:
    description:
      - STS security token, for temporary credentials given with O(access_key_id) and O(access_key_secret).
      - Falls back to E(ALIBABA_CLOUD_SECURITY_TOKEN), then E(ALICLOUD_SECURITY_TOKEN), with environment credentials.
    type: str
    aliases: [alicloud_security_token]
  region:
    description:
      - The region the DTS jobs live in, for example V(cn-hangzhou).
      - Falls back to E(ALIBABA_CLOUD_REGION_ID), E(ALICLOUD_REGION), then the region of the aliyun CLI profile in use.
        A region is required.
      - A region DTS does not document (a typo such as V(cn-hangzou)) fails before any request, naming the
        closest documented regions, unless O(allow_unknown_region) is set or O(endpoint) is given.
    type: str
    aliases: [region_id, alicloud_region]
  allow_unknown_region:
    description:
      - Let a region outside the collection's list of documented DTS regions through, with a warning,
        for a region newer than this collection. Its requests go to O(endpoint) when given, else to
        V(dts.aliyuncs.com).
      - Without this (or O(endpoint)), such a region fails before any request.
    type: bool
    default: false
    version_added: 0.3.0
  endpoint:
    description:
      - DTS endpoint to call instead of the documented one for O(region), as a host (HTTPS is used)
        or a URL such as V(https://dts-vpc.cn-hangzhou.aliyuncs.com) or V(http://127.0.0.1:8480).
      - Falls back to E(ALIBABA_CLOUD_ENDPOINT_DTS). Without either, regions with their own DTS host
        use V(dts.<region>.aliyuncs.com) and the others V(dts.aliyuncs.com).
      - An endpoint with user information (V(user:password@) before the host) is an error. Plain C(http://)
        to a host other than this machine (V(127.0.0.1), V(::1), V(localhost)) is warned about.
    type: str
  profile:
    description:
      - Name of a credentials profile, read from O(credentials_file) when set, else from the aliyun CLI
        configuration C(~/.aliyun/config.json), else from the INI file (E(ALIBABA_CLOUD_CREDENTIALS_FILE)
        or C(~/.alibabacloud/credentials.ini)). A profile that is not found is an error.
      - CLI modes C(AK), C(StsToken), C(RamRoleArn), C(ChainableRamRoleArn), C(EcsRamRole), C(OIDC),
        C(External) and C(CredentialsURI) work as the CLI does; C(CloudSSO) and C(OAuth) profiles use the
        STS credentials the CLI cached while they are valid.
      - Falls back to E(ALIBABA_CLOUD_PROFILE), then E(ALICLOUD_PROFILE), which name the profile but do not
        pin the source (environment keys and the OIDC role still come first). Without any, the CLI's
        current profile and the INI file's C(default) section are used.
    type: str
    aliases: [alicloud_profile]
  credentials_file:
    description:
      - Path of an INI credentials file with one section per profile (C(type = access_key), C(sts),
        C(ram_role_arn), C(oidc_role_arn) or C(ecs_ram_role)); a C(#) starts a comment, also after a value.
      - Setting it pins the source to this file. E(ALIBABA_CLOUD_CREDENTIALS_FILE) instead names the INI
        file of the chain, which comes after the aliyun CLI profile.
    type: path
  ecs_role_name:
    description:
      - Name of the RAM role attached to the ECS instance Ansible runs on; temporary credentials are
        read from the instance metadata service (a session token first, then the plain request unless
        E(ALIBABA_CLOUD_IMDSV1_DISABLED) is true).
      - Without it, and without another source, the chain asks the metadata service for the instance's
        role (E(ALIBABA_CLOUD_ECS_METADATA) names it; E(ALIBABA_CLOUD_ECS_METADATA_DISABLED) turns this off).
    type: str
  assume_role:
    description:
      - Exchange the credentials found by the other options for those of a RAM role, through STS AssumeRole.
    type: dict
    suboptions:
      role_arn:
        description: ARN of the RAM role to assume, for example V(acs:ram::123456789012****:role/dts-reader).
        type: str
        required: true
      session_name:
        description:
          - Name of the role session, shown in the role's audit trail.
          - Defaults to E(ALIBABA_CLOUD_ROLE_SESSION_NAME), then V(ansible-alibabacloud-dts).
        type: str
      duration_seconds:
        description: Lifetime of the temporary credentials, 900 to 43200 seconds. Defaults to V(3600).
        type: int
      policy:
        description: A JSON policy that further restricts what the session may do.
        type: str
      external_id:
        description: External ID the role's trust policy requires, if any.
        type: str
      endpoint:
        description:
          - STS endpoint to call. Falls back to E(ALIBABA_CLOUD_STS_ENDPOINT), then the regional or VPC STS host
            (E(ALIBABA_CLOUD_STS_REGION), E(ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED)), then V(sts.aliyuncs.com).
        type: str
  signature_version:
    description:
      - How requests are signed. V(v3) is C(ACS3-HMAC-SHA256) in the C(Authorization) header, V(v1) is
        C(HMAC-SHA1) in the query string. Both are accepted by Alibaba Cloud.
    type: str
    choices: [v3, v1]
    default: v3
  validate_certs:
    description:
      - Verify the endpoint's TLS certificate. Only turn this off for an endpoint you trust, such as a local emulator.
      - V(false) is warned about, unless the endpoint is on this machine.
    type: bool
    default: true
  ca_path:
    description:
      - PEM bundle of the certificate authorities to trust for the endpoint, instead of the system ones.
    type: path
  http_timeout:
    description:
      - Seconds one attempt of a request may take, from 1 to 600, from connecting to the last byte of the
        answer, however slowly the server sends it. A request that times out counts as a transient failure
        and is retried (within O(retry_budget)).
      - An answer is read into memory up to 8 MiB; a larger one is an error (C(ResponseTooLarge)), not retried.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is retried after a transient failure (C(ServiceUnavailable),
        C(InternalError), HTTP 5xx, connection resets, timeouts), from 0 to 20. V(0) disables retries.
      - A throttled answer (any code containing C(Throttling)) says the account is busy, not that the request
        is failing; it is retried for as long as O(retry_budget) lasts and does not count against O(retries).
      - Retries wait with full-jitter exponential backoff (at most 20 seconds a wait), and at least as long
        as the service's C(x-acs-retry-after) asks. Permanent errors are never retried.
      - A refused connection or a host name that does not resolve is retried once at most, after half a
        second, and then fails naming the endpoint, so a wrong O(endpoint) or E(ALIBABA_CLOUD_ENDPOINT_DTS)
        is reported within seconds.
      - O(retry_budget) bounds the time all the retries of one request may take.
    type: int
    default: 6
  retry_budget:
    description:
      - Seconds one request may spend retrying, from 0 to 3600. No retry starts, and no wait between
        retries ends, later than this after the request's first attempt began; the attempt then in
        flight is bounded by O(http_timeout), so a request ends within O(retry_budget) plus O(http_timeout).
        The error then says how many attempts were made.
    type: float
    default: 60
    version_added: 0.3.0
  max_requests_per_second:
    description:
      - Client-side pacing, from 0 to 1000 requests a second for each API action, per access key,
        endpoint and region; shared by every request of the module, and by every client of one
        process (all the accounts and regions of the inventory plugin). V(0) turns pacing off.
      - Unset, each action is paced at its documented limit, C(DescribeDtsJobs) 20 and
        C(DescribeDtsJobDetail) 40 a second; the legacy C(DescribeSynchronizationJobs) 20 and
        C(DescribeSynchronizationJobStatusList) 40 (they document none; these are the limits of the
        calls that replaced them). A burst up to the limit leaves at once.
      - This rate is the ceiling. Every request of an access key at one endpoint (all its regions and
        actions together) also waits for an adaptive rate, off until the service throttles a request, then
        cut to 0.7 of what was really sent at each throttled answer and grown back gradually as answers come
        through, for a quota that other tools of the account spend too. Throttling that does not depend on
        the rate (a share of requests refused at any pace) turns it off again rather than slowing every
        request down. A throttled answer also narrows O(max_concurrent_requests).
    type: float
    version_added: 0.3.0
  max_concurrent_requests:
    description:
      - Most requests in flight at once when pages (after the first) or chunks of job ids are fetched, from 1 to 32.
      - A throttled answer makes every request back off together and halves how many may be in flight;
        each run of answers that are not throttled lets one more in again, up to this number.
    type: int
    default: 16
notes:
  - Secrets (O(access_key_secret), O(security_token), temporary credentials and request signatures)
    never appear in results, warnings or errors.
requirements:
  - requests
"""

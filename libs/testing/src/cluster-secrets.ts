/** The secrets cluster mode requires, as `OCS__*` options, for tests that start cluster-mode parts. */
export const TEST_CLUSTER_SECRETS = {
  'OCS__cluster__internal-secret': 'test-internal-secret-0123456789abcdef',
  'OCS__server__esp-secret': 'test-esp-secret-0123456789abcdefghij',
} as const;

/** `Authorization` of an ESP request in a test cluster. */
export const TEST_ESP_AUTHORIZATION = `Bearer ${TEST_CLUSTER_SECRETS['OCS__server__esp-secret']}`;

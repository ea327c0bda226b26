import type { ClassifiedRequest, RequestClassifier } from '@ocs/observability';
import type { Request } from 'express';
import { ESP_PATH } from './esp.controller';

/**
 * The ESP requests as the request metrics count them (`api` esp), by method; a method the gateway does not serve
 * counts as `unknown`. The router surface, health and metrics are not counted.
 */
export function espRequests(methods: readonly string[]): RequestClassifier {
  const kinds = new Map<unknown, ClassifiedRequest>(methods.map((operation) => [operation, { api: 'esp', operation }]));
  const unknown: ClassifiedRequest = { api: 'esp', operation: 'unknown' };
  return (req: Request) => {
    if (req.path !== ESP_PATH && req.path !== `${ESP_PATH}/`) return undefined;
    const body: unknown = req.body;
    const method = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).Method : undefined;
    return kinds.get(method) ?? unknown;
  };
}

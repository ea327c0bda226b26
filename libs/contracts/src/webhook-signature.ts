import { createHmac } from 'node:crypto';

/**
 * The signature the project's outgoing webhooks carry (push notifications, routing's external decisions):
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<id>.<body>">`, the key the signing secret as UTF-8. The receiver
 * recomputes it over the raw body with the same secret, and refuses an old `t` to defeat replays.
 */
export function webhookSignature(secret: string, seconds: number, id: string, body: string): string {
  return `t=${seconds},v1=${createHmac('sha256', secret).update(`${seconds}.${id}.${body}`).digest('hex')}`;
}

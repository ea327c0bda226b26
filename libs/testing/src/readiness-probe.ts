import { until } from './clients/inbox';

export interface ReadinessAnswer {
  status: number;
  body: unknown;
}

/** `GET <baseUrl>/health/ready`, as a probe of Kubernetes sends it: the status and the JSON body. */
export async function probeReadiness(baseUrl: string): Promise<ReadinessAnswer> {
  const response = await fetch(`${baseUrl}/health/ready`);
  return { status: response.status, body: await response.json() };
}

/** Probes `baseUrl` until it answers `status` (a dependency went away or came back), and returns that answer. */
export function untilReadiness(baseUrl: string, status: number, what: string, waitMs: number): Promise<ReadinessAnswer> {
  return until(
    async () => {
      const answer = await probeReadiness(baseUrl);
      return answer.status === status ? answer : undefined;
    },
    what,
    waitMs,
  );
}

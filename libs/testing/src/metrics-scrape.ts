/**
 * The value of one series of a Prometheus text exposition, read from `<baseUrl>/metrics` over HTTP: the sample of
 * `name` whose labels include `labels` (summed when several match); 0 when none does.
 */
export async function scrapeMetric(baseUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  return sampleOf(await response.text(), name, labels);
}

/** The sum of the samples of `name` in `text` whose labels include `labels`. */
export function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const labelText = rest[0] === '{' ? rest.slice(1, rest.indexOf('}')) : '';
    const present = labelText === '' ? [] : labelText.split(',');
    if (wanted.every((pair) => present.includes(pair))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

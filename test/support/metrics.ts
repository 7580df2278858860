/** Reads a Prometheus text exposition (what /metrics serves) into samples a test can add up. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  text: string;
  samples: Sample[];
  /** Sum of the samples of `name` whose labels include `where`. */
  sum(name: string, where?: Record<string, string>): number;
  /** Samples of `name` whose labels include `where`. */
  find(name: string, where?: Record<string, string>): Sample[];
}

export async function scrape(url: string): Promise<Scrape> {
  const answer = await fetch(url);
  if (!answer.ok) throw new Error(`GET ${url}: HTTP ${answer.status}`);
  return parseExposition(await answer.text());
}

export function parseExposition(text: string): Scrape {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  const find = (name: string, where: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
  return { text, samples, find, sum: (name, where) => find(name, where).reduce((n, s) => n + s.value, 0) };
}

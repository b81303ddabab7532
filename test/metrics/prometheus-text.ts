// Reads GET /metrics the way Prometheus would: every line a # HELP / # TYPE comment or a sample of
// the text exposition format (anything else fails the read), each sample under the family its
// # TYPE line declared. (The npm parsers tried lose a histogram's labels, sum and count.)
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)( -?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"/g;

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  samples: Sample[];
}

export function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: Family | undefined;
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('# HELP ')) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      current = { name: type[1]!, type: type[2]!, samples: [] };
      families.set(current.name, current);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m || !current || !m[1]!.startsWith(current.name)) throw new Error(`not Prometheus text: ${line}`);
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(LABEL)].map((l) => [l[1]!, l[2]!]));
    current.samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return families;
}

/**
 * The summed value of a family's samples with these labels (0 when none): a counter's or gauge's
 * value, or a histogram's observation count.
 */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const f = families.get(name);
  if (!f) return 0;
  const sampleName = f.type === 'histogram' ? `${name}_count` : name;
  return f.samples.filter((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}

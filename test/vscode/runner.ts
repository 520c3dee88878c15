// A tiny describe/it runner for suites that run inside the extension host (node:test cannot be loaded there in a
// useful way). Tests run one after another, each with a timeout; results are counted and returned.
export type TestFn = () => Promise<void> | void;

interface TestCase {
  name: string;
  fn: TestFn;
  timeoutMs: number;
}

export interface TestResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

const cases: TestCase[] = [];
const prefix: string[] = [];

export function describe(name: string, body: () => void): void {
  prefix.push(name);
  try {
    body();
  } finally {
    prefix.pop();
  }
}

export function it(name: string, fn: TestFn, timeoutMs = 60_000): void {
  cases.push({ name: [...prefix, name].join(' > '), fn, timeoutMs });
}

export async function runRegistered(log: (line: string) => void): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const c of cases) {
    const t0 = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(c.fn),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${c.timeoutMs / 1000} s`)), c.timeoutMs);
        }),
      ]);
      results.push({ name: c.name, ok: true, ms: Date.now() - t0 });
      log(`✔ ${c.name} (${Date.now() - t0} ms)`);
    } catch (err) {
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      results.push({ name: c.name, ok: false, ms: Date.now() - t0, error });
      log(`✖ ${c.name} (${Date.now() - t0} ms)\n  ${error.split('\n').join('\n  ')}`);
    } finally {
      clearTimeout(timer);
    }
  }
  return results;
}

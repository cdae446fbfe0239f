/** Latency samples (milliseconds) and their summary; percentiles are nearest-rank on all samples. */
export class Latencies {
  #samples: Float64Array;
  #count = 0;

  constructor(expected = 1024) {
    this.#samples = new Float64Array(Math.max(16, expected));
  }

  get count(): number {
    return this.#count;
  }

  add(ms: number): void {
    if (this.#count === this.#samples.length) {
      const grown = new Float64Array(this.#samples.length * 2);
      grown.set(this.#samples);
      this.#samples = grown;
    }
    this.#samples[this.#count++] = ms;
  }

  summary(): LatencySummary {
    const sorted = this.#samples.slice(0, this.#count).sort();
    const at = (p: number): number => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!);
    let total = 0;
    for (const x of sorted) total += x;
    return {
      count: sorted.length,
      p50_ms: roundMs(at(0.5)),
      p95_ms: roundMs(at(0.95)),
      p99_ms: roundMs(at(0.99)),
      max_ms: roundMs(at(1)),
      mean_ms: roundMs(sorted.length === 0 ? NaN : total / sorted.length),
    };
  }
}

export interface LatencySummary {
  readonly count: number;
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  readonly mean_ms: number;
}

/** Milliseconds to 0.1 µs. */
export function roundMs(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Three decimals (means of counts, e.g. hits per query). */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Per-second rate, rounded to a whole number. */
export function ratePerS(count: number, elapsedMs: number): number {
  return elapsedMs <= 0 ? 0 : Math.round((count * 1000) / elapsedMs);
}

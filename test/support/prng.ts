/** sfc32: a small seeded PRNG, so random test cases are reproducible from their seed. */
export function prng(seed: number): () => number {
  let a = seed | 0, b = 0x9e3779b9, c = 0x243f6a88, d = 0xb7e15162;
  const next = (): number => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // mix the seed in before the first draw
  return next;
}

/** Time enters the app here, read once per request and passed down (STYLE habit 2). */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

// The part of cli-progress 3.12 Parley uses (the package ships no types): benchmarks and `parley audit`.
declare module 'cli-progress' {
  interface BarOptions {
    format?: string;
    stream?: NodeJS.WritableStream;
    noTTYOutput?: boolean;
    notTTYSchedule?: number;
    etaBuffer?: number;
    fps?: number;
    hideCursor?: boolean;
    clearOnComplete?: boolean;
    barsize?: number;
  }
  class SingleBar {
    constructor(options: BarOptions, preset?: object);
    start(total: number, startValue: number, payload?: object): void;
    update(value: number, payload?: object): void;
    setTotal(total: number): void;
    stop(): void;
  }
  const Presets: { readonly shades_classic: object; readonly legacy: object };
  const cliProgress: { SingleBar: typeof SingleBar; Presets: typeof Presets };
  export default cliProgress;
}

/** Where commands write, so tests can capture it. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout / stderr are terminals (colour, progress). */
  readonly outIsTty: boolean;
  readonly errIsTty: boolean;
}

export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    outIsTty: process.stdout.isTTY === true,
    errIsTty: process.stderr.isTTY === true,
  };
}

/** Captures output in memory (tests). */
export function memoryIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let o = '';
  let e = '';
  return {
    out: (t) => {
      o += t;
    },
    err: (t) => {
      e += t;
    },
    outIsTty: false,
    errIsTty: false,
    stdout: () => o,
    stderr: () => e,
  };
}

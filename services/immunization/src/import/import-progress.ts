export interface ImportProgress {
  rows: number;
  elapsedMs: number;
  /** Share of the file read, 0..1. */
  fraction: number;
}

const clock = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
};

/** `12,000 rows  4,100 rows/s  ETA 0:05` (ETA from the share of the file read so far). */
export function formatProgress(p: ImportProgress): string {
  const rate = p.elapsedMs > 0 ? (p.rows / p.elapsedMs) * 1000 : 0;
  const eta =
    p.fraction > 0 && p.fraction < 1 ? clock(((p.elapsedMs / p.fraction) * (1 - p.fraction)) / 1000) : p.fraction >= 1 ? '0:00' : '?';
  return `${p.rows.toLocaleString('en-US')} rows  ${Math.round(rate).toLocaleString('en-US')} rows/s  ETA ${eta}`;
}

/**
 * A progress line rewritten in place on a terminal, at most every `everyMs`; nothing when the stream is
 * not a TTY (a pipe, a log file, CI), where carriage returns would only clutter.
 */
export function terminalProgress(
  stream: { isTTY?: boolean; write(text: string): unknown } = process.stderr,
  everyMs = 200,
): { update(p: ImportProgress): void; done(): void } {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < everyMs && p.fraction < 1) return;
      last = now;
      shown = true;
      stream.write(`\r\x1b[K${formatProgress(p)}`);
    },
    done() {
      if (shown) stream.write('\n');
    },
  };
}

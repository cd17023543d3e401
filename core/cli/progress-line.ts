/**
 * One line of progress on a terminal. On a TTY it is redrawn in place; when stderr is a file or a
 * pipe (CI logs, `2>log`), it is printed as a new line at most every few seconds, so logs stay
 * readable and still show the run advancing.
 */

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const LOG_INTERVAL_MS = 5000;

export class ProgressLine {
  private lastLogged = 0;
  private isShown = false;

  constructor(private readonly stream: ProgressStream) {}

  update(text: string): void {
    if (this.stream.isTTY === true) {
      this.stream.write(`\r${text}\x1b[K`);
      this.isShown = true;
      return;
    }
    const now = Date.now();
    if (now - this.lastLogged < LOG_INTERVAL_MS) return;
    this.lastLogged = now;
    this.stream.write(text + '\n');
  }

  /** Prints a message above the progress line without garbling it. */
  log(text: string): void {
    this.clear();
    this.stream.write(text + '\n');
  }

  clear(): void {
    if (this.isShown) this.stream.write('\r\x1b[K');
    this.isShown = false;
  }
}

/** A bar of `width` cells, `fraction` of them filled. */
export function progressBar(fraction: number, width = 20): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

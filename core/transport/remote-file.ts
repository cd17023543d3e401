/**
 * Reading and safely rewriting a file on a node over SSH (cluster_settings, in the resize's steps 1
 * and 4). A write is atomic and checked: the new content goes to a temporary file beside the old
 * one, takes its owner and mode, the old file is kept as a timestamped backup, and the temporary
 * file is renamed over it, but only if the file still has the content it had when it was read;
 * otherwise nothing changes and the caller is told that someone else edited it meanwhile.
 */
import { createHash } from 'node:crypto';
import { RemoteCommandError } from '../errors.js';
import { shellQuote } from './shell-quote.js';
import type { SshSession } from './ssh-session.js';

export interface RemoteFile {
  readonly path: string;
  readonly text: string;
  /** SHA-256 of the content as read: what a later write checks the file still holds. */
  readonly sha256: string;
}

export interface RemoteWriteResult {
  /** Where the previous content was kept. */
  readonly backupPath: string;
}

// Exit statuses of the write script, so that each refusal gets its own message.
const CHANGED_SINCE_READ = 65;
const NOT_FOUND = 66;

export async function readRemoteFile(
  session: SshSession,
  path: string,
  options: { readonly sudo?: boolean } = {},
): Promise<RemoteFile> {
  const result = await session.exec(`cat -- ${shellQuote(path)}`, { sudo: options.sudo === true });
  if (result.exitCode !== 0) {
    throw new RemoteCommandError(
      'REMOTE_READ_FAILED',
      `cannot read ${path} (exit status ${result.exitCode}): ${result.stderr.trim() || 'no message'}; ` +
        'check settingsPath in the profile, and whether reading it needs "sudo": true',
      { node: session.host, command: `cat ${path}` },
    );
  }
  return { path, text: result.stdout, sha256: sha256(result.stdout) };
}

/**
 * Replaces `file` (as read by readRemoteFile) with `text`, atomically, keeping a backup.
 * @throws RemoteCommandError REMOTE_FILE_CHANGED when the file changed since it was read.
 */
export async function writeRemoteFile(
  session: SshSession,
  file: RemoteFile,
  text: string,
  options: { readonly sudo?: boolean; readonly now?: Date } = {},
): Promise<RemoteWriteResult> {
  const stamp = (options.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const path = shellQuote(file.path);
  const backup = `${file.path}.astaire-${stamp}`;
  // The new content arrives on stdin (never in the command line, which ps would show). The check,
  // the backup and the rename run in one script, so the window for a concurrent edit is tiny.
  const script = [
    'set -e',
    `f=${path}`,
    `[ -f "$f" ] || exit ${NOT_FOUND}`,
    `[ "$(sha256sum -- "$f" | cut -d" " -f1)" = ${shellQuote(file.sha256)} ] || exit ${CHANGED_SINCE_READ}`,
    'tmp=$(mktemp "$f.astaire-new.XXXXXX")',
    'trap \'rm -f -- "$tmp"\' EXIT',
    'cat > "$tmp"',
    'chmod --reference="$f" -- "$tmp"',
    'chown --reference="$f" -- "$tmp" 2>/dev/null || true',
    `cp -p -- "$f" ${shellQuote(backup)}`,
    `[ "$(sha256sum -- "$f" | cut -d" " -f1)" = ${shellQuote(file.sha256)} ] || exit ${CHANGED_SINCE_READ}`,
    'mv -f -- "$tmp" "$f"',
    'trap - EXIT',
  ].join('\n');
  const place = { node: session.host, command: `write ${file.path}` };
  const result = await session.exec(script, {
    sudo: options.sudo === true,
    stdin: text,
    label: `write ${file.path}`,
  });
  if (result.exitCode === CHANGED_SINCE_READ) {
    throw new RemoteCommandError(
      'REMOTE_FILE_CHANGED',
      `${file.path} changed since it was read (someone else edited it); nothing was written: read it again, ` +
        'review the difference, and retry',
      place,
    );
  }
  if (result.exitCode === NOT_FOUND) {
    throw new RemoteCommandError(
      'REMOTE_FILE_MISSING',
      `${file.path} no longer exists; nothing was written`,
      place,
    );
  }
  if (result.exitCode !== 0) {
    throw new RemoteCommandError(
      'REMOTE_WRITE_FAILED',
      `writing ${file.path} failed (exit status ${result.exitCode}): ${result.stderr.trim() || 'no message'}`,
      place,
    );
  }
  return { backupPath: backup };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A unified-style line diff for review before a write ("-" old, "+" new, " " unchanged). */
export function lineDiff(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  // Longest common subsequence on lines: files here are a handful of lines long.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      (lcs[i] as number[])[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, (lcs[i] as number[])[j + 1] as number);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(` ${a[i]}`);
      i++;
      j++;
    } else if (
      i < a.length &&
      (j === b.length ||
        ((lcs[i + 1] as number[])[j] as number) >= ((lcs[i] as number[])[j + 1] as number))
    ) {
      // Removals before additions, as diff prints them.
      out.push(`-${a[i]}`);
      i++;
    } else {
      out.push(`+${b[j]}`);
      j++;
    }
  }
  while (out.length > 0 && out[out.length - 1] === ' ') out.pop(); // the trailing newline's empty line
  return out.join('\n') + '\n';
}

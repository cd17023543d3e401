/**
 * The CLI's answers to SSH's questions. On a terminal the operator is asked (passphrases and
 * passwords without echo); without one (a script, CI) nothing can be confirmed, so unknown host
 * keys are refused with the way to record them by hand, and no secret is invented.
 */
import type { ReadStream } from 'node:tty';
import type { HostKeyQuestion, SshPrompts } from '../transport/ssh-session.js';
import type { CliIo } from './cli-io.js';

export function terminalPrompts(io: CliIo): SshPrompts {
  const stdin = io.stdin as Partial<ReadStream>;
  const isTerminal = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  return {
    async confirmHostKey(question) {
      const where = question.port === 22 ? question.host : `[${question.host}]:${question.port}`;
      io.stderr.write(describeUnknownKey(question));
      if (!isTerminal) {
        io.stderr.write(
          `No terminal to confirm it. Check the fingerprint with the host's administrator, then record it: ` +
            `ssh-keyscan -p ${question.port} ${question.host} >> ~/.ssh/known_hosts (or connect once with ssh ${where}).\n`,
        );
        return false;
      }
      const answer = await readLine(
        io,
        'Are you sure you want to continue connecting (yes/no)? ',
        true,
      );
      return answer.trim().toLowerCase() === 'yes';
    },
    async passphrase(identityFile) {
      if (!isTerminal) return undefined;
      return readLine(io, `Enter passphrase for key '${identityFile}': `, false);
    },
    async password(user, host) {
      if (!isTerminal) return undefined;
      const password = await readLine(io, `${user}@${host}'s password: `, false);
      return password === '' ? undefined : password;
    },
  };
}

/** Asks a yes/no question on the terminal; false when there is none. */
export async function confirmOnTerminal(io: CliIo, question: string): Promise<boolean> {
  const stdin = io.stdin as Partial<ReadStream>;
  if (stdin.isTTY !== true || typeof stdin.setRawMode !== 'function') return false;
  return (await readLine(io, question, true)).trim().toLowerCase() === 'yes';
}

function describeUnknownKey(question: HostKeyQuestion): string {
  const others =
    question.otherTypes.length === 0
      ? ''
      : `Keys of other types (${question.otherTypes.join(', ')}) are already known for this host.\n`;
  return (
    `The authenticity of host '${question.alias}' (${question.host}:${question.port}) can't be established.\n` +
    `${question.keyType} key fingerprint is ${question.fingerprint}.\n${others}`
  );
}

// Reads one line from the terminal in raw mode, echoing it or not; Ctrl-C ends with an empty line.
function readLine(io: CliIo, prompt: string, echo: boolean): Promise<string> {
  const stdin = io.stdin as ReadStream;
  io.stderr.write(prompt);
  return new Promise((resolve) => {
    let line = '';
    stdin.setRawMode(true);
    stdin.resume();
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0003') {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          io.stderr.write('\n');
          resolve(char === '\u0003' ? '' : line);
          return;
        }
        if (char === '\u007f' || char === '\b') {
          if (line.length > 0 && echo) io.stderr.write('\b \b');
          line = line.slice(0, -1);
        } else {
          line += char;
          if (echo) io.stderr.write(char);
        }
      }
    };
    stdin.on('data', onData);
  });
}

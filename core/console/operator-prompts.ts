/**
 * SSH's questions (unknown host key, key passphrase, password) put to the operator in the console:
 * each becomes a `prompt` event; the renderer answers on `prompts:answer`. Unanswered questions
 * are refused after a while (a job must not hang on an absent operator), and all are refused when
 * the console stops. Answers are held only until the waiting connection takes them.
 */
import { randomUUID } from 'node:crypto';
import { UsageError } from '../errors.js';
import type { SshPrompts } from '../transport/ssh-session.js';
import type { ConsoleEventBody, OperatorPrompt } from './contract.js';

export const PROMPT_TIMEOUT_MS = 5 * 60_000;

type Answer = boolean | string | null;

interface Pending {
  readonly prompt: OperatorPrompt;
  readonly settle: (answer: Answer) => void;
}

/** A question as asked, without the id the broker gives it. */
type Question = OperatorPrompt extends infer P
  ? P extends unknown
    ? Omit<P, 'id'>
    : never
  : never;

export class OperatorPrompts {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly emit: (event: ConsoleEventBody) => void,
    private readonly timeoutMs = PROMPT_TIMEOUT_MS,
  ) {}

  /** The SshPrompts that SSH sessions opened by the console use. */
  readonly ssh: SshPrompts = {
    confirmHostKey: async (question) =>
      (await this.ask({ kind: 'host-key', ...question, otherTypes: [...question.otherTypes] })) ===
      true,
    passphrase: async (identityFile) =>
      asSecret(await this.ask({ kind: 'passphrase', identityFile })),
    password: async (user, host) => asSecret(await this.ask({ kind: 'password', user, host })),
  };

  /** @throws UsageError when no such question is waiting, or the answer does not fit it. */
  answer(promptId: string, answer: Answer): void {
    const waiting = this.pending.get(promptId);
    if (waiting === undefined) {
      throw new UsageError(
        'UNKNOWN_PROMPT',
        `no question "${promptId}" is waiting: it was answered, timed out or its connection gave up`,
      );
    }
    const wantsSecret = waiting.prompt.kind !== 'host-key';
    if (wantsSecret ? typeof answer === 'boolean' : typeof answer !== 'boolean') {
      throw new UsageError(
        'BAD_ANSWER',
        wantsSecret
          ? `the ${waiting.prompt.kind} question takes text (or null to give up)`
          : 'the host-key question takes true (trust and record the key) or false',
      );
    }
    waiting.settle(answer);
  }

  /** Questions still waiting (for a renderer that connects or reconnects). */
  waiting(): OperatorPrompt[] {
    return [...this.pending.values()].map((p) => p.prompt);
  }

  /** Refuses every waiting question. */
  close(): void {
    for (const waiting of [...this.pending.values()]) waiting.settle(null);
  }

  private ask(question: Question): Promise<Answer> {
    const prompt = { ...question, id: randomUUID() } as OperatorPrompt;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(null), this.timeoutMs);
      const settle = (answer: Answer) => {
        clearTimeout(timer);
        if (!this.pending.delete(prompt.id)) return;
        this.emit({ type: 'prompt-closed', promptId: prompt.id });
        resolve(answer);
      };
      this.pending.set(prompt.id, { prompt, settle });
      this.emit({ type: 'prompt', prompt });
    });
  }
}

function asSecret(answer: Answer): string | undefined {
  return typeof answer === 'string' && answer !== '' ? answer : undefined;
}

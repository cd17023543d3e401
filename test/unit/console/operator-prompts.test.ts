import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsoleEventBody, OperatorPrompt } from '../../../core/console/contract.js';
import { OperatorPrompts } from '../../../core/console/operator-prompts.js';

function broker(timeoutMs?: number) {
  const events: ConsoleEventBody[] = [];
  const prompts = new OperatorPrompts((event) => events.push(event), timeoutMs);
  const asked = () =>
    events.flatMap((e) => (e.type === 'prompt' ? [e.prompt] : [])) as OperatorPrompt[];
  return { prompts, events, asked };
}

const QUESTION = {
  host: '127.0.0.1',
  port: 2222,
  alias: 'node-1',
  keyType: 'ssh-ed25519',
  fingerprint: 'SHA256:abc',
  otherTypes: [],
};

describe('OperatorPrompts', () => {
  it('puts a host key to the operator and returns the answer', async () => {
    const { prompts, events, asked } = broker();
    const answer = prompts.ssh.confirmHostKey(QUESTION);
    const [prompt] = asked();
    assert.equal(prompt?.kind, 'host-key');
    assert.deepEqual(prompts.waiting(), [prompt]);
    prompts.answer(prompt!.id, true);
    assert.equal(await answer, true);
    assert.deepEqual(events.at(-1), { type: 'prompt-closed', promptId: prompt!.id });
    assert.deepEqual(prompts.waiting(), []);
  });

  it('takes a secret as text, and an empty or null answer as giving up', async () => {
    const { prompts, asked } = broker();
    const first = prompts.ssh.passphrase('/home/ops/.ssh/id_ed25519');
    prompts.answer(asked()[0]!.id, 'correct horse');
    assert.equal(await first, 'correct horse');
    const second = prompts.ssh.password('ops', 'node-1');
    prompts.answer(asked()[1]!.id, null);
    assert.equal(await second, undefined);
  });

  it('refuses answers that do not fit, or to questions no longer waiting', async () => {
    const { prompts, asked } = broker();
    const pending = prompts.ssh.confirmHostKey(QUESTION);
    const id = asked()[0]!.id;
    assert.throws(() => prompts.answer(id, 'yes'), { code: 'BAD_ANSWER' });
    prompts.answer(id, false);
    assert.equal(await pending, false);
    assert.throws(() => prompts.answer(id, true), { code: 'UNKNOWN_PROMPT' });
  });

  it('refuses on its own when nobody answers, and on close', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { prompts } = broker(1000);
    const timedOut = prompts.ssh.confirmHostKey(QUESTION);
    t.mock.timers.tick(1000);
    assert.equal(await timedOut, false);
    const closed = prompts.ssh.password('ops', 'node-1');
    prompts.close();
    assert.equal(await closed, undefined);
  });
});

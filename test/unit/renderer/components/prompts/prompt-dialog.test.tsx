import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperatorPrompt } from '../../../../../core/console/contract.js';
import { PromptDialog } from '../../../../../renderer/components/prompts/prompt-dialog.js';
import { createConsoleStore } from '../../../../../renderer/store/console-store.js';
import { renderStatic } from '../render-static.js';

const FINGERPRINT = 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8';

const hostKey = (id: string, otherTypes: string[] = []): OperatorPrompt => ({
  id,
  kind: 'host-key',
  alias: 'sprout-1',
  host: '10.0.0.1',
  port: 2222,
  keyType: 'ssh-ed25519',
  fingerprint: FINGERPRINT,
  otherTypes,
});

function storeAsked(...prompts: OperatorPrompt[]) {
  const store = createConsoleStore();
  store.getState().applyEvents({
    events: prompts.map((prompt, i) => ({ type: 'prompt', prompt, seq: i + 1 })),
  });
  return store;
}

describe('prompt dialog', () => {
  it('is absent while nothing is asked', () => {
    assert.equal(renderStatic(createConsoleStore(), <PromptDialog />), '');
  });

  it("shows an unknown host key's host, port, alias, type and fingerprint", () => {
    const markup = renderStatic(storeAsked(hostKey('p1')), <PromptDialog />);
    assert.match(markup, /<dialog class="prompt-dialog" aria-labelledby="prompt-p1-title"/);
    assert.match(markup, /Unknown host key/);
    assert.match(
      markup,
      /<code class="fingerprint">SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8<\/code>/,
    );
    assert.match(markup, /<dt>Host<\/dt><dd><span class="mono">10\.0\.0\.1:2222<\/span>/);
    assert.match(markup, /<dt>Alias<\/dt><dd><span class="mono">sprout-1<\/span>/);
    assert.match(markup, /<dt>Key type<\/dt><dd><span class="mono">ssh-ed25519<\/span>/);
    assert.match(markup, /known_hosts has no key at all for this host/);
    // Reject comes first: it is where the focus lands.
    assert.match(
      markup,
      /<button type="button">Reject<\/button><button type="button" class="danger">Trust this key and connect<\/button>/,
    );
  });

  it('warns when known_hosts holds another type of key for the host', () => {
    const markup = renderStatic(storeAsked(hostKey('p1', ['ssh-rsa'])), <PromptDialog />);
    assert.match(markup, /A new type of host key/);
    assert.match(
      markup,
      /known_hosts already holds a ssh-rsa key for this host, but no ssh-ed25519 key/,
    );
  });

  it('asks the oldest question first and says how many wait', () => {
    const markup = renderStatic(
      storeAsked(hostKey('p1'), {
        id: 'p2',
        kind: 'password',
        user: 'ops',
        host: '10.0.0.2',
      }),
      <PromptDialog />,
    );
    assert.match(markup, /prompt-p1-title/);
    assert.doesNotMatch(markup, /prompt-p2-title/);
    assert.match(markup, /One more question waits after this one/);
  });

  it('asks for a password in a password field, empty, with a way to cancel', () => {
    const markup = renderStatic(
      storeAsked({ id: 'p2', kind: 'password', user: 'ops', host: '10.0.0.2' }),
      <PromptDialog />,
    );
    assert.match(markup, /Password needed/);
    assert.match(markup, /ops@10\.0\.0\.2/);
    assert.match(
      markup,
      /<input id="prompt-p2-secret" type="password" autoComplete="off" value=""/,
    );
    assert.match(markup, /<button type="button">Cancel<\/button>/);
    assert.match(markup, /<button type="submit" class="primary" disabled="">Log in<\/button>/);
  });

  it('names the identity file a passphrase unlocks', () => {
    const markup = renderStatic(
      storeAsked({ id: 'p3', kind: 'passphrase', identityFile: '/home/ops/.ssh/id_ed25519' }),
      <PromptDialog />,
    );
    assert.match(markup, /Passphrase needed/);
    assert.match(markup, /\/home\/ops\/\.ssh\/id_ed25519/);
    assert.match(markup, /Skip this key/);
  });
});

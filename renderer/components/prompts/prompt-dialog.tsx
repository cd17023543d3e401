/**
 * SSH's questions to the operator (an unknown host key, a key's passphrase, a password) as a
 * modal dialog, oldest first. The safe answer is the default: Escape and the first focus reject a
 * host key or cancel a secret. Secrets live only in the input until they are sent.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import type { OperatorPrompt } from '../../../core/console/contract.js';
import { toErrorPayload } from '../../api/console-client.js';
import { selectPrompts } from '../../store/ui-slice.js';
import { useConsole, useConsoleClient } from '../console-context.js';

type HostKeyPrompt = Extract<OperatorPrompt, { kind: 'host-key' }>;
type SecretPrompt = Extract<OperatorPrompt, { kind: 'passphrase' | 'password' }>;

export function PromptDialog() {
  const prompts = useConsole(selectPrompts);
  // Questions the service no longer waits for (answered elsewhere, or timed out while this page
  // missed the event that closed them): hidden here so the next one can be answered.
  const [gone, setGone] = useState<ReadonlySet<string>>(() => new Set());
  const waiting = prompts.filter((prompt) => !gone.has(prompt.id));
  const prompt = waiting[0];
  if (prompt === undefined) return null;
  return (
    <PromptModal
      key={prompt.id}
      prompt={prompt}
      othersWaiting={waiting.length - 1}
      onGone={() => setGone((ids) => new Set(ids).add(prompt.id))}
    />
  );
}

function PromptModal(props: {
  readonly prompt: OperatorPrompt;
  readonly othersWaiting: number;
  readonly onGone: () => void;
}) {
  const { prompt, othersWaiting, onGone } = props;
  const client = useConsoleClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const safeChoice = useRef<HTMLButtonElement>(null);
  const secretInput = useRef<HTMLInputElement>(null);
  const [isSending, setSending] = useState(false);
  const [failure, setFailure] = useState<{ message: string; isGone: boolean } | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (!element.open) element.showModal();
    // The safe answer has the focus, so a stray Enter never trusts a key.
    (prompt.kind === 'host-key' ? safeChoice.current : secretInput.current)?.focus();
    return () => element.close();
  }, [prompt.kind]);

  const answer = async (value: boolean | string | null) => {
    setSending(true);
    setFailure(null);
    try {
      await client.invoke('prompts:answer', { promptId: prompt.id, answer: value });
      // The service closes the question with a prompt-closed event, which removes this dialog.
    } catch (error) {
      const payload = toErrorPayload(error);
      setFailure({ message: payload.message, isGone: payload.code === 'UNKNOWN_PROMPT' });
      setSending(false);
    }
  };
  const refuse = () => void answer(prompt.kind === 'host-key' ? false : null);

  return (
    <dialog
      ref={dialog}
      className="prompt-dialog"
      aria-labelledby={`prompt-${prompt.id}-title`}
      aria-describedby={`prompt-${prompt.id}-body`}
      onCancel={(event) => {
        // Escape is the safe answer, given once.
        event.preventDefault();
        if (!isSending) refuse();
      }}
    >
      {prompt.kind === 'host-key' ? (
        <HostKeyQuestion
          prompt={prompt}
          isSending={isSending}
          safeChoice={safeChoice}
          onAnswer={(isTrusted) => void answer(isTrusted)}
        />
      ) : (
        <SecretQuestion
          prompt={prompt}
          isSending={isSending}
          input={secretInput}
          onAnswer={(secret) => void answer(secret)}
        />
      )}
      {failure !== null && (
        <div className="error" role="alert">
          <p>The answer was not taken: {failure.message}</p>
          {failure.isGone && (
            <button type="button" onClick={onGone}>
              Close this question
            </button>
          )}
        </div>
      )}
      {othersWaiting > 0 && (
        <p className="muted prompt-queue">
          {othersWaiting === 1 ? 'One more question waits' : `${othersWaiting} more questions wait`}{' '}
          after this one.
        </p>
      )}
    </dialog>
  );
}

function HostKeyQuestion(props: {
  readonly prompt: HostKeyPrompt;
  readonly isSending: boolean;
  readonly safeChoice: RefObject<HTMLButtonElement | null>;
  readonly onAnswer: (isTrusted: boolean) => void;
}) {
  const { prompt, isSending, safeChoice, onAnswer } = props;
  const where = `${prompt.host}:${prompt.port}`;
  const hasOtherKeys = prompt.otherTypes.length > 0;
  return (
    <>
      <h2 id={`prompt-${prompt.id}-title`}>
        {hasOtherKeys ? 'A new type of host key' : 'Unknown host key'}
      </h2>
      <div id={`prompt-${prompt.id}-body`}>
        <p>
          The SSH host <strong className="mono">{prompt.alias}</strong>
          {prompt.alias !== prompt.host && (
            <>
              {' '}
              at <span className="mono">{where}</span>
            </>
          )}
          {prompt.alias === prompt.host && (
            <>
              {' '}
              port <span className="mono">{prompt.port}</span>
            </>
          )}{' '}
          offered a key that known_hosts does not hold.
        </p>
        <dl className="host-key">
          <Fact term="Host">
            <span className="mono">{where}</span>
          </Fact>
          <Fact term="Alias">
            <span className="mono">{prompt.alias}</span>
          </Fact>
          <Fact term="Key type">
            <span className="mono">{prompt.keyType}</span>
          </Fact>
          <Fact term="Fingerprint">
            <code className="fingerprint">{prompt.fingerprint}</code>
          </Fact>
        </dl>
        {hasOtherKeys ? (
          <p className="flag flag-bad known-hosts-says">
            <span aria-hidden="true">⚠ </span>
            known_hosts already holds a {prompt.otherTypes.join(', ')} key for this host, but no{' '}
            {prompt.keyType} key. The host may have a new key, or this may not be the host you think
            it is.
          </p>
        ) : (
          <p className="known-hosts-says">
            known_hosts has no key at all for this host: this is the first connection to it.
          </p>
        )}
        <p className="hint">
          Compare the fingerprint with the one the host itself reports (on the host:{' '}
          <span className="mono">ssh-keygen -lf</span> on its{' '}
          <span className="mono">{prompt.keyType}</span> host key). Trusting records the key in
          known_hosts.
        </p>
      </div>
      <div className="dialog-actions">
        <button type="button" ref={safeChoice} onClick={() => onAnswer(false)} disabled={isSending}>
          Reject
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => onAnswer(true)}
          disabled={isSending}
        >
          Trust this key and connect
        </button>
      </div>
    </>
  );
}

function SecretQuestion(props: {
  readonly prompt: SecretPrompt;
  readonly isSending: boolean;
  readonly input: RefObject<HTMLInputElement | null>;
  readonly onAnswer: (secret: string | null) => void;
}) {
  const { prompt, isSending, input, onAnswer } = props;
  const [secret, setSecret] = useState('');
  const isPassphrase = prompt.kind === 'passphrase';
  const inputId = `prompt-${prompt.id}-secret`;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (secret === '') return;
    const sent = secret;
    setSecret('');
    onAnswer(sent);
  };
  return (
    <form onSubmit={submit}>
      <h2 id={`prompt-${prompt.id}-title`}>
        {isPassphrase ? 'Passphrase needed' : 'Password needed'}
      </h2>
      <p id={`prompt-${prompt.id}-body`}>
        {isPassphrase ? (
          <>
            The identity file <span className="mono">{prompt.identityFile}</span> is encrypted.
          </>
        ) : (
          <>
            The keys were not accepted for{' '}
            <span className="mono">{`${prompt.user}@${prompt.host}`}</span>.
          </>
        )}
      </p>
      <label htmlFor={inputId}>{isPassphrase ? 'Passphrase' : 'Password'}</label>
      <input
        id={inputId}
        ref={input}
        type="password"
        autoComplete="off"
        value={secret}
        onChange={(event) => setSecret(event.target.value)}
        disabled={isSending}
      />
      <p className="hint">Sent once to the waiting connection; the console does not keep it.</p>
      <div className="dialog-actions">
        <button type="button" onClick={() => onAnswer(null)} disabled={isSending}>
          {isPassphrase ? 'Skip this key' : 'Cancel'}
        </button>
        <button type="submit" className="primary" disabled={isSending || secret === ''}>
          {isPassphrase ? 'Unlock' : 'Log in'}
        </button>
      </div>
    </form>
  );
}

function Fact(props: { readonly term: string; readonly children: ReactNode }) {
  return (
    <div>
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

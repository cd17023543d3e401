/**
 * A call in web mode: `POST api/<channel>` with the request as JSON, answered with the contract's
 * InvokeResult as JSON. Admission (loopback, host, origin, token) is done before this runs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UsageError, toErrorPayload } from '../errors.js';
import { dispatch, type ConsoleBackend } from './console-backend.js';
import type { InvokeResult } from './contract.js';

export const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * Every HTTP status web mode answers, in one place. A call that reached its channel's work answers
 * 200 whether the work succeeded or not: the envelope says which, as over IPC. A request refused
 * before any work runs gets the status that says why:
 *
 *   400 BAD_REQUEST             the body is not JSON, or fails the channel's schema
 *   403 (admission)             not from loopback, no valid session token, or from another page
 *   404 UNKNOWN_CHANNEL         no such channel (and, for the page, no such file)
 *   405 (method)                a call that is not POST, a page read that is not GET or HEAD
 *   413 REQUEST_TOO_LARGE       a body over MAX_REQUEST_BYTES
 *   415 UNSUPPORTED_MEDIA_TYPE  a call not sent as application/json
 *   421 (admission)             a Host header that is not a loopback address or localhost
 *   500 INTERNAL                a fault in the console itself
 *
 * Admission and method refusals (web-admission.ts, web-server.ts) answer plain text: they are
 * answers to requests that did not come from the page. Everything under api/ that passed them
 * answers the JSON envelope.
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  BAD_REQUEST: 400,
  UNKNOWN_CHANNEL: 404,
  REQUEST_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
};

export async function answerCall(
  request: IncomingMessage,
  response: ServerResponse,
  backend: ConsoleBackend,
  channel: string,
): Promise<void> {
  let result: InvokeResult<unknown>;
  try {
    const parsed = await readJsonBody(request, channel);
    // Channel names are plain ASCII (domain:verb): the path segment is taken as it is, and an
    // unknown one is refused by name.
    result = await dispatch(backend, channel, parsed);
  } catch (error) {
    result = { ok: false, error: toErrorPayload(error) };
  }
  const text = JSON.stringify(result);
  const status = result.ok ? 200 : (STATUS_BY_CODE[result.error.code] ?? 200);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  // A body refused for its size is read to its end and dropped, not cut off: closing the
  // connection with the client's bytes unread resets it, and the client loses this answer.
  response.end(text);
}

/** @throws UsageError with the code that picks the status (see STATUS_BY_CODE). */
async function readJsonBody(request: IncomingMessage, channel: string): Promise<unknown> {
  // A JSON content type makes a cross-site form unable to post here without a preflight.
  if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) {
    throw new UsageError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${channel}: send the request as application/json`,
    );
  }
  const body = await readBody(request, channel);
  try {
    return JSON.parse(body === '' ? 'null' : body);
  } catch (error) {
    throw new UsageError('BAD_REQUEST', `${channel}: not JSON: ${(error as Error).message}`);
  }
}

function readBody(request: IncomingMessage, channel: string): Promise<string> {
  const tooLarge = () =>
    new UsageError(
      'REQUEST_TOO_LARGE',
      `${channel}: the request is larger than ${MAX_REQUEST_BYTES / 1024 / 1024} MiB`,
    );
  if (Number(request.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) {
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) {
        chunks.push(chunk);
      } else if (!refused) {
        refused = true;
        // Refused: what arrives from now on is read and dropped (the server's requestTimeout
        // bounds how long), so the client can finish sending and read the answer.
        chunks.length = 0;
        reject(tooLarge());
      }
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

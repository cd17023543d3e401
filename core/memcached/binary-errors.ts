/**
 * What the binary protocol's statuses mean to Astaire: a store's outcome, or an error that names
 * the node and the command and says what to do.
 */
import { ProtocolError } from '../errors.js';
import type { BinaryResponse } from './binary-decode.js';
import { Status } from './binary-protocol.js';
import type { StoreOutcome } from './client.js';
import type { MetaSetOptions } from './encode.js';

/** A store's answer: stored, or why not. */
export function storeOutcomeOf(
  node: string,
  command: string,
  mode: MetaSetOptions['mode'],
  response: BinaryResponse,
): StoreOutcome {
  switch (response.status) {
    case Status.SUCCESS:
      return 'stored';
    case Status.NOT_STORED:
      return 'not-stored';
    case Status.KEY_EXISTS:
      // An ADD of a present key (recorded from the fork); for a SET, a CAS that no longer matches.
      return mode === 'add' ? 'not-stored' : 'exists';
    case Status.KEY_NOT_FOUND:
      return 'not-found';
    default:
      throw refusedBy(node, command, response);
  }
}

/** The error a refusal means. */
export function refusedBy(node: string, command: string, response: BinaryResponse): ProtocolError {
  const message = response.value.toString('latin1').replace(/[^\x20-\x7e]/g, '?');
  const status = `status 0x${response.status.toString(16).padStart(2, '0')}`;
  const place = { node, command };
  if (response.status === Status.VALUE_TOO_LARGE) {
    return new ProtocolError(
      'ITEM_TOO_LARGE',
      `memcached refused an item as too large (${status}); the target's item size limit ` +
        "(1 MB on Clearwater's memcached) must be at least its sources'",
      place,
    );
  }
  if (response.status === Status.OUT_OF_MEMORY) {
    return new ProtocolError(
      'NODE_OUT_OF_MEMORY',
      `memcached is out of memory (${status}); raise its cache_size, or free memory on it`,
      place,
    );
  }
  if (response.status === Status.UNKNOWN_COMMAND) {
    return new ProtocolError(
      'NODE_ERROR',
      `memcached does not know this command (${status}${message === '' ? '' : `, "${message}"`})`,
      place,
    );
  }
  return new ProtocolError(
    'NODE_ERROR',
    `memcached answered ${status}${message === '' ? '' : ` "${message}"`}`,
    place,
  );
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectError } from '../../../core/errors.js';
import { connectDirect } from '../../../core/transport/direct.js';

// Nothing listens on port 1 of loopback: connecting is refused at once.
const REFUSED = '127.0.0.1:1';

describe('connectDirect', () => {
  it('names the node it was asked for, and the address when a profile says it differs', async () => {
    await assert.rejects(connectDirect(REFUSED, 2000, '127.0.0.14:11211'), (error) => {
      assert.ok(error instanceof ConnectError);
      // Attributed to the node the resync knows (a source's failure must reach that source).
      assert.equal(error.place.node, '127.0.0.14:11211');
      assert.match(error.message, /cannot connect at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
      return true;
    });
  });

  it('names the address alone when it is the node’s own', async () => {
    await assert.rejects(connectDirect(REFUSED, 2000), (error) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.place.node, REFUSED);
      assert.match(
        error.message,
        /^node 127\.0\.0\.1:1 \(connect\): cannot connect \(ECONNREFUSED\)/,
      );
      return true;
    });
  });
});

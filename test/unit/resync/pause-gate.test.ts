import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { PauseGate } from '../../../core/resync/pause-gate.js';

/** Whether `promise` has settled after the event loop has had a few turns. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await sleep(20);
  return settled;
}

describe('PauseGate', () => {
  it('lets batches through at once while open', async () => {
    const gate = new PauseGate();
    const ticket = await gate.whenOpen();
    assert.equal(gate.tryEnter(ticket), true);
    gate.leave();
    assert.equal(gate.isPaused, false);
    assert.equal(gate.pausedMs, 0);
  });

  it('holds batches while paused and releases them on resume', async () => {
    const gate = new PauseGate();
    await gate.pause();
    assert.equal(gate.isPaused, true);
    const waiting = [gate.whenOpen(), gate.whenOpen()];
    assert.equal(await hasSettled(Promise.race(waiting)), false, 'nothing passes while paused');
    gate.resume();
    const tickets = await Promise.all(waiting);
    assert.ok(tickets.every((ticket) => gate.tryEnter(ticket)));
  });

  it('refuses a batch that read before a pause, even once resumed', async () => {
    const gate = new PauseGate();
    const ticket = await gate.whenOpen();
    // The batch reads the source here; meanwhile the operator pauses and resumes.
    await gate.pause();
    gate.resume();
    assert.equal(gate.tryEnter(ticket), false, 'its reads are stale: it must read again');
    assert.equal(gate.tryEnter(await gate.whenOpen()), true);
  });

  it('resolves a pause only once the writes under way have left', async () => {
    const gate = new PauseGate();
    assert.equal(gate.tryEnter(await gate.whenOpen()), true);
    assert.equal(gate.tryEnter(await gate.whenOpen()), true);
    const paused = gate.pause();
    assert.equal(await hasSettled(paused), false, 'two writes still under way');
    gate.leave();
    assert.equal(await hasSettled(paused), false, 'one write still under way');
    gate.leave();
    assert.equal(await hasSettled(paused), true);
    assert.equal(gate.tryEnter(0), false, 'no batch enters while paused');
  });

  it('enters at once when open, and after the resume when paused', async () => {
    const gate = new PauseGate();
    await gate.enter();
    const paused = gate.pause();
    assert.equal(await hasSettled(paused), false, 'the entered write holds the pause');
    const entering = gate.enter();
    gate.leave();
    await paused;
    assert.equal(await hasSettled(entering), false);
    gate.resume();
    await entering;
    assert.equal(await hasSettled(gate.pause()), false, 'the second write entered');
  });

  it('stops waiting when the resync is cancelled', async () => {
    const gate = new PauseGate();
    await gate.pause();
    const controller = new AbortController();
    const waiting = gate.whenOpen(controller.signal);
    controller.abort(new Error('cancelled by the operator'));
    await assert.rejects(waiting, /cancelled by the operator/);
    await assert.rejects(gate.whenOpen(controller.signal), /cancelled by the operator/);
  });

  it('counts the time spent paused, over several pauses', async () => {
    const gate = new PauseGate();
    await gate.pause();
    await sleep(60);
    gate.resume();
    await sleep(60);
    await gate.pause();
    await sleep(60);
    const during = gate.pausedMs;
    gate.resume();
    assert.ok(during >= 110 && during < 1000, `paused ${during} ms`);
    const total = gate.pausedMs;
    assert.ok(total >= during);
    await sleep(30);
    assert.equal(gate.pausedMs, total, 'stops counting once resumed');
  });

  it('pausing twice or resuming an open gate changes nothing', async () => {
    const gate = new PauseGate();
    gate.resume();
    assert.equal(gate.isPaused, false);
    await gate.pause();
    const ticketAfter = gate.whenOpen();
    await gate.pause();
    gate.resume();
    assert.equal(gate.tryEnter(await ticketAfter), true);
  });
});

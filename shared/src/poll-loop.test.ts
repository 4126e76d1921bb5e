import { PollLoop } from './poll-loop.js';

/** Rounds of a loop whose work is a queue the test fills; each round takes one item if there is one. */
function loopOver(queue: number[], idleMs: number, maxIdleMs?: number): { loop: PollLoop; rounds: number[] } {
  const rounds: number[] = [];
  const loop = new PollLoop({
    round: async () => {
      rounds.push(performance.now());
      return queue.length ? (queue.shift(), 1) : 0;
    },
    idleMs: () => idleMs,
    ...(maxIdleMs !== undefined ? { maxIdleMs: () => maxIdleMs } : {}),
    onError: () => undefined,
  });
  return { loop, rounds };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('PollLoop', () => {
  test('an idle loop backs off: the sleep doubles per empty round up to maxIdleMs', async () => {
    const { loop, rounds } = loopOver([], 20, 160);
    loop.start();
    await sleep(900);
    await loop.stop();
    const gaps = rounds.slice(1).map((t, i) => t - rounds[i]!);
    // 20, 40, 80, 160, 160…: far fewer rounds than a fixed 20 ms sleep (45 in 900 ms).
    expect(rounds.length).toBeLessThan(12);
    expect(gaps[0]!).toBeLessThan(gaps[2]!);
    expect(Math.max(...gaps)).toBeLessThan(160 + 100);
  });

  test('a nudge wakes a backed-off loop at once and starts the back-off again from idleMs', async () => {
    const queue: number[] = [];
    const { loop, rounds } = loopOver(queue, 20, 5000);
    loop.start();
    await sleep(400); // backed off well past 100 ms by now
    queue.push(1);
    const nudgedAt = performance.now();
    loop.nudge();
    await sleep(50);
    await loop.stop();
    expect(queue).toEqual([]);
    const after = rounds.filter((t) => t >= nudgedAt);
    expect(after[0]! - nudgedAt).toBeLessThan(30);
  });

  test('a nudge during a round that found nothing runs the next round at once', async () => {
    let calls = 0;
    const loop: PollLoop = new PollLoop({
      round: async () => {
        calls++;
        // The writer commits and nudges while this round is still looking.
        if (calls === 1) loop.nudge();
        return 0;
      },
      idleMs: () => 10_000,
      onError: () => undefined,
    });
    loop.start();
    await sleep(50);
    await loop.stop();
    expect(calls).toBe(2);
  });

  test('without maxIdleMs the sleep stays idleMs', async () => {
    const { loop, rounds } = loopOver([], 20);
    loop.start();
    await sleep(300);
    await loop.stop();
    expect(rounds.length).toBeGreaterThan(8);
  });
});

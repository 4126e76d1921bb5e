import { AdmissionControl, LoopGovernor } from './admission.js';

/** Queues `n` waiters and records the order in which they are admitted. */
function queue(control: AdmissionControl, n: number): { order: number[]; done: Promise<boolean[]> } {
  const order: number[] = [];
  const done = Promise.all(
    Array.from({ length: n }, async (_, i) => {
      expect(control.tryEnter()).toBe('queued');
      const admitted = await control.wait();
      if (admitted) order.push(i);
      return admitted;
    }),
  );
  return { order, done };
}

/** A clock that moves only when told: the calm period cannot end because a loaded machine stalled the test. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('read admission', () => {
  test('in normal operation waiters are admitted in arrival order', async () => {
    const control = new AdmissionControl(1, 3, 1000, { lifoWhenOverloaded: true });
    expect(control.tryEnter()).toBe('admitted');
    const { order, done } = queue(control, 3);
    for (let i = 0; i < 3; i++) control.leave();
    await done;
    expect(order).toEqual([0, 1, 2]);
  });

  test('once something was refused, the newest waiter is admitted first and the oldest miss their deadline', async () => {
    const control = new AdmissionControl(1, 3, 50, { lifoWhenOverloaded: true });
    expect(control.tryEnter()).toBe('admitted');
    const { order, done } = queue(control, 3);
    expect(control.tryEnter()).toBe('refused');
    expect(control.overloaded).toBe(true);
    control.leave();
    const admitted = await done;
    expect(order).toEqual([2]);
    expect(admitted).toEqual([false, false, true]);
    expect(control.refused).toBe(3);
  });

  test('without queueing under overload, the queue absorbs a burst, then a full class refuses at once', async () => {
    const clock = manualClock();
    const control = new AdmissionControl(1, 3, 1000, { queueWhenOverloaded: false, calmMs: 30, now: clock.now });
    expect(control.tryEnter()).toBe('admitted');
    // Not overloaded yet: a burst waits in the queue.
    const waiters: Promise<boolean>[] = [];
    for (let i = 0; i < 3; i++) {
      expect(control.tryEnter()).toBe('queued');
      waiters.push(control.wait());
    }
    const [first, ...more] = waiters;
    // The queue is full: refused, and the class is overloaded.
    expect(control.tryEnter()).toBe('refused');
    // Overloaded now: with places taken, the next request is refused at once though the queue is not full.
    control.leave();
    expect(await first).toBe(true);
    expect(control.queued).toBe(2);
    control.leave();
    control.leave();
    expect(await Promise.all(more)).toEqual([true, true]);
    expect(control.queued).toBe(0);
    expect(control.tryEnter()).toBe('refused');
    // Still within the calm period: refused; once it has passed, the queue takes waiters again.
    clock.advance(29);
    expect(control.tryEnter()).toBe('refused');
    clock.advance(31);
    expect(control.tryEnter()).toBe('queued');
  });

  test('bookings (no adaptive LIFO) keep arrival order under overload', async () => {
    const control = new AdmissionControl(1, 2, 1000);
    expect(control.tryEnter()).toBe('admitted');
    const { order, done } = queue(control, 2);
    expect(control.tryEnter()).toBe('refused');
    control.leave();
    control.leave();
    await done;
    expect(order).toEqual([0, 1]);
  });

  test('a waiter past its deadline is refused when a place frees, even if its timer has not fired yet', async () => {
    const control = new AdmissionControl(1, 2, 20);
    expect(control.tryEnter()).toBe('admitted');
    const { order, done } = queue(control, 1);
    // Keep the event loop busy past the deadline, as under overload: the waiter's timer cannot fire.
    const until = performance.now() + 40;
    while (performance.now() < until);
    control.leave();
    expect(await done).toEqual([false]);
    expect(order).toEqual([]);
    expect(control.inFlight).toBe(0);
    expect(control.tryEnter()).toBe('admitted');
  });
});

describe('read bound in force', () => {
  test('a lowered bound queues new reads while the old in-flight ones finish; raising it admits waiters at once', async () => {
    const control = new AdmissionControl(4, 4, 1000);
    for (let i = 0; i < 3; i++) expect(control.tryEnter()).toBe('admitted');
    control.setLimit(2);
    expect(control.limit).toBe(2);
    const { order, done } = queue(control, 2);
    // One leaves: 2 still in flight, which is the bound, so nobody is admitted yet.
    control.leave();
    await Promise.resolve();
    expect(order).toEqual([]);
    control.setLimit(4);
    await done;
    expect(order).toEqual([0, 1]);
    expect(control.inFlight).toBe(4);
  });

  test('the bound stays within 1..maxConcurrent', () => {
    const control = new AdmissionControl(8, 0, 10);
    control.setLimit(0);
    expect(control.limit).toBe(1);
    control.setLimit(100);
    expect(control.limit).toBe(8);
  });
});

describe('loop governor', () => {
  const options = { targetUtilization: 0.85, minConcurrent: 4 };

  test('a busy loop without overload never lowers the bound', () => {
    const control = new AdmissionControl(64, 64, 10, { calmMs: 1000 });
    const governor = new LoopGovernor(control, options);
    for (let i = 0; i < 20; i++) governor.observe(1);
    expect(control.limit).toBe(64);
    expect(governor.shrinks).toBe(0);
  });

  test('under overload a saturated loop shrinks the bound down to the minimum, and a calmer loop grows it again', () => {
    const big = new AdmissionControl(64, 0, 10, { calmMs: 60_000 });
    // Overload: the class refused something.
    expect(big.tryEnter()).toBe('admitted');
    for (let i = 1; i < 64; i++) big.tryEnter();
    expect(big.tryEnter()).toBe('refused');
    expect(big.overloaded).toBe(true);
    const governor = new LoopGovernor(big, options);
    governor.observe(0.95);
    expect(big.limit).toBe(51);
    for (let i = 0; i < 30; i++) governor.observe(0.99);
    expect(big.limit).toBe(4);
    governor.observe(0.5);
    governor.observe(0.5);
    expect(big.limit).toBe(8);
  });

  test('once overload has passed the full bound returns', () => {
    const clock = manualClock();
    const control = new AdmissionControl(16, 0, 10, { calmMs: 20, now: clock.now });
    for (let i = 0; i < 16; i++) control.tryEnter();
    expect(control.tryEnter()).toBe('refused');
    const governor = new LoopGovernor(control, options);
    governor.observe(1);
    expect(control.limit).toBeLessThan(16);
    clock.advance(19);
    expect(control.overloaded).toBe(true);
    clock.advance(2);
    expect(control.overloaded).toBe(false);
    governor.observe(1);
    expect(control.limit).toBe(16);
  });

  test('the governor samples only from a refusal until the full bound is back (no timer at rest)', async () => {
    const clock = manualClock();
    const control = new AdmissionControl(4, 0, 10, { calmMs: 20, now: clock.now });
    const governor = new LoopGovernor(control, { ...options, intervalMs: 5 });
    governor.start();
    try {
      expect(governor.sampling).toBe(false);
      for (let i = 0; i < 4; i++) control.tryEnter();
      expect(control.tryEnter()).toBe('refused');
      expect(governor.sampling).toBe(true);
      clock.advance(21);
      await new Promise((r) => setTimeout(r, 30));
      expect(control.limit).toBe(4);
      expect(governor.sampling).toBe(false);
      // The next overload wakes it again.
      expect(control.tryEnter()).toBe('refused');
      expect(governor.sampling).toBe(true);
    } finally {
      governor.stop();
    }
    expect(governor.sampling).toBe(false);
  });
});

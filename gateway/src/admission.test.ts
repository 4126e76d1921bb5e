import { AdmissionControl } from './gateway.js';

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

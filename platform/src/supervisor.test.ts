import { backoffDelay, Supervisor, type ExitInfo, type RestartPolicy, type Unit } from './supervisor.js';

const policy: RestartPolicy = { initialDelayMs: 10, maxDelayMs: 80, resetAfterMs: 300, jitter: 0.2, startTimeoutMs: 1000 };

/** A unit without a process: `die()` makes it exit, `failNext` makes the next starts fail. */
function fakeUnit(name: string) {
  let exit: ((info: ExitInfo) => void) | undefined;
  let running = false;
  const unit = {
    starts: [] as number[],
    failNext: 0,
    name,
    get pid() {
      return running ? 1 : undefined;
    },
    start() {
      unit.starts.push(Date.now());
      if (unit.failNext > 0) {
        unit.failNext--;
        return Promise.reject(new Error('did not come up'));
      }
      running = true;
      return Promise.resolve();
    },
    exited() {
      return new Promise<ExitInfo>((resolve) => (exit = resolve));
    },
    stop() {
      running = false;
      return Promise.resolve();
    },
    die() {
      running = false;
      exit?.({ code: null, signal: 'SIGKILL' });
    },
  };
  return unit satisfies Unit;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  expect(check()).toBe(true);
};

describe('restart back-off', () => {
  test('doubles from the initial delay up to the cap, with jitter within ± the fraction', () => {
    const mid = (): number => 0.5;
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a, mid))).toEqual([10, 20, 40, 80, 80, 80]);
    expect(backoffDelay(policy, 1, () => 0)).toBe(16);
    expect(backoffDelay(policy, 1, () => 1)).toBe(24);
    // The cap holds with jitter too, and for absurd attempt counts.
    expect(backoffDelay(policy, 3, () => 1)).toBe(80);
    expect(backoffDelay(policy, 10_000, () => 1)).toBe(80);
  });
});

describe('Supervisor', () => {
  test('restarts only the unit that died; failed starts back off; the others are untouched', async () => {
    const restarted: string[] = [];
    const supervisor = new Supervisor(policy, { onRestarted: (name) => restarted.push(name) });
    const a = fakeUnit('a');
    const b = fakeUnit('b');
    await supervisor.add(a);
    await supervisor.add(b);
    a.failNext = 2;
    a.die();
    await until(() => restarted.length === 1);
    expect(restarted).toEqual(['a']);
    expect(a.starts).toHaveLength(4);
    expect(b.starts).toHaveLength(1);
    expect(supervisor.pid('a')).toBe(1);
    expect(supervisor.restarts[0]).toMatchObject({ name: 'a', attempts: 3 });
    // The gaps grew: ~10 ms, then ~20, then ~40.
    const gaps = a.starts.slice(2).map((t, i) => t - a.starts[i + 1]!);
    expect(gaps[1]!).toBeGreaterThan(gaps[0]!);
    await supervisor.stop([['a'], ['b']]);
  });

  test('a unit that stayed up past resetAfterMs starts again from the initial delay', async () => {
    const supervisor = new Supervisor(policy);
    const a = fakeUnit('a');
    await supervisor.add(a);
    // Dies at once three times: the delay grows.
    for (let i = 1; i <= 3; i++) {
      a.die();
      await until(() => a.starts.length === i + 1);
    }
    const grown = a.starts[3]! - a.starts[2]!;
    await sleep(policy.resetAfterMs + 20);
    const diedAt = Date.now();
    a.die();
    await until(() => a.starts.length === 5);
    expect(grown).toBeGreaterThanOrEqual(30);
    expect(a.starts[4]! - diedAt).toBeLessThan(grown);
    await supervisor.stop([]);
  });

  test('after stop (or halt) a death is not restarted, and a pending restart is dropped', async () => {
    const supervisor = new Supervisor({ ...policy, initialDelayMs: 200, maxDelayMs: 200 });
    const a = fakeUnit('a');
    await supervisor.add(a);
    a.die();
    await sleep(20);
    await supervisor.stop([['a']]);
    await sleep(300);
    expect(a.starts).toHaveLength(1);
  });

  test('without a policy a death is only reported', async () => {
    const exits: string[] = [];
    const supervisor = new Supervisor(false, { onExit: (name) => exits.push(name) });
    const a = fakeUnit('a');
    await supervisor.add(a);
    a.die();
    await until(() => exits.length === 1);
    await sleep(50);
    expect(a.starts).toHaveLength(1);
  });
});

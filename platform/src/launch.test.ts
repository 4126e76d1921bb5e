import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { favourEdge } from './launch.js';

const idle = (): ChildProcess => spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });

describe('the edge gets the CPU first', () => {
  test('its priority is raised where allowed, else the others are lowered; never left unchanged', () => {
    // Children start at this process's niceness.
    const base = os.getPriority();
    const edge = idle();
    const others = [idle(), idle()];
    try {
      const done = favourEdge(
        edge.pid!,
        others.map((c) => c.pid!),
      );
      if (done === 'edge raised') {
        expect(os.getPriority(edge.pid!)).toBe(-10);
        for (const c of others) expect(os.getPriority(c.pid!)).toBe(base);
      } else {
        expect(done).toBe('others lowered');
        expect(os.getPriority(edge.pid!)).toBe(base);
        for (const c of others) expect(os.getPriority(c.pid!)).toBe(5);
      }
    } finally {
      for (const c of [edge, ...others]) c.kill();
    }
  });
});

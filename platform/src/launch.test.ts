import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { favourEdge } from './launch.js';

const idle = (): ChildProcess => spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });

describe('the edge gets the CPU first', () => {
  test('the gateway and subgraphs are lowered, and the edge raised where the system allows it', () => {
    // Children start at this process's niceness.
    const base = os.getPriority();
    const edge = idle();
    const others = [idle(), idle()];
    try {
      const done = favourEdge(
        edge.pid!,
        others.map((c) => c.pid!),
      );
      expect(done.othersLowered).toBe(2);
      for (const c of others) expect(os.getPriority(c.pid!)).toBe(5);
      expect(os.getPriority(edge.pid!)).toBe(done.edgeRaised ? -10 : base);
    } finally {
      for (const c of [edge, ...others]) c.kill();
    }
  });
});

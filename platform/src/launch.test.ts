import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { favourEdge } from './launch.js';

const idle = (): ChildProcess => spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });

describe('the edge gets the CPU first', () => {
  test('the gateway and subgraphs run at niceness 5; the edge keeps its own', () => {
    // Children start at this process's niceness.
    const base = os.getPriority();
    const edge = idle();
    const workers = [idle(), idle()];
    try {
      expect(favourEdge(workers.map((c) => c.pid!))).toBe(2);
      for (const c of workers) expect(os.getPriority(c.pid!)).toBe(5);
      expect(os.getPriority(edge.pid!)).toBe(base);
    } finally {
      for (const c of [edge, ...workers]) c.kill();
    }
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** SIGKILL: no shutdown hook runs, in-flight activities are lost mid-way. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  /** The last 4,000 characters it wrote to stderr (its logs). */
  stderr(): string;
}

/** Starts test/support/worker-process.ts and resolves once it polls its task queues. */
export async function spawnWorker(role: 'general' | 'warehouse' | 'all', declarationsFile: string, env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/worker-process.ts', role, declarationsFile], {
    cwd: root,
    env: { FACTORY_METRICS_PORT: '0', ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker (${role}) not ready within 120 s: ${stderr}`)), 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker (${role}) exited with ${code} before it was ready: ${stderr}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    stderr: () => stderr,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    /** SIGTERM (graceful), then SIGKILL if the worker has not ended within 20 s. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A source worker and a warehouse owner, as separate processes, started together. */
export async function spawnWorkerPair(declarationsFile: string, env: Record<string, string>): Promise<Record<'general' | 'warehouse', WorkerProcess>> {
  const [general, warehouse] = await Promise.all([spawnWorker('general', declarationsFile, env), spawnWorker('warehouse', declarationsFile, env)]);
  return { general, warehouse };
}

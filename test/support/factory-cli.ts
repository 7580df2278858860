import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A running `factory` command (cli/main.ts under tsx), its output collected as it comes. */
export interface FactoryProcess {
  child: ChildProcess;
  /** stdout and stderr interleaved, as a terminal shows them. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the command ends first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<FactoryResult>;
}

export interface FactoryResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startFactory(args: string[], env: Record<string, string>): FactoryProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let both = '';
  const listeners = new Set<() => void>();
  const onData = (which: 'out' | 'err') => (d: Buffer) => {
    if (which === 'out') stdout += d.toString();
    else stderr += d.toString();
    both += d.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData('out'));
  child.stderr!.on('data', onData('err'));
  const exited = new Promise<FactoryResult>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    output: () => both,
    exited,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(both);
          if (match) {
            listeners.delete(check);
            resolve(match);
          }
        };
        listeners.add(check);
        check();
        void exited.then((result) => {
          if (listeners.delete(check)) reject(new Error(`factory ${args.join(' ')} exited (${result.code}) without printing ${pattern}: ${both}`));
        });
      });
    },
  };
}

export function runFactory(args: string[], env: Record<string, string>): Promise<FactoryResult> {
  return startFactory(args, env).exited;
}

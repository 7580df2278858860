import { readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * CPU time of the processes a bench phase runs on: this process (its DuckDB threads included), other
 * processes by pid (worker processes, the peer), and the PostgreSQL backends connected to the bench's
 * database (parallel query workers included). Backends are found by sampling pg_stat_activity every
 * 50 ms, so a parallel worker's last few milliseconds before it exits may be missed.
 */

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** utime + stime of a live process, in seconds; 0 once it has gone. */
export function processCpuSeconds(pid: number): number {
  try {
    // Fields after the command (in parentheses, which may hold spaces): state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

const selfCpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

export interface PhaseCpu {
  wall_s: number;
  /** This process (the bench's own connectors and embedded DuckDB) plus any watched pids. */
  node_cpu_s: number;
  /** PostgreSQL backends of the bench database. */
  pg_cpu_s: number;
}

export class CpuMeter {
  private constructor(private readonly monitor: pg.Client, private readonly database: string) {}

  static async open(url: string): Promise<CpuMeter> {
    const monitor = new pg.Client({ connectionString: url, application_name: 'bench-cpu-meter' });
    await monitor.connect();
    return new CpuMeter(monitor, new URL(url).pathname.slice(1));
  }

  private async backends(): Promise<number[]> {
    const { rows } = await this.monitor.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [this.database]);
    return rows.map((r) => r.pid);
  }

  /** Runs `work`, returning its result with wall time and CPU; `pids` are extra processes to count. */
  async measure<T>(work: () => Promise<T>, pids: () => number[] = () => []): Promise<{ result: T; cpu: PhaseCpu }> {
    const start = new Map<number, number>();
    const last = new Map<number, number>();
    for (const pid of await this.backends()) start.set(pid, processCpuSeconds(pid));
    const extraStart = new Map(pids().map((pid) => [pid, processCpuSeconds(pid)]));
    const extraLast = new Map(extraStart);
    const sample = async (): Promise<void> => {
      for (const pid of await this.backends()) {
        const seconds = processCpuSeconds(pid);
        if (seconds > 0) last.set(pid, seconds);
      }
      for (const pid of pids()) {
        const seconds = processCpuSeconds(pid);
        if (seconds > 0) extraLast.set(pid, seconds);
      }
    };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await sample();
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const self = selfCpuSeconds();
    const began = process.hrtime.bigint();
    let result: T;
    try {
      result = await work();
    } finally {
      sampling = false;
      await sampler;
    }
    const wall = Number(process.hrtime.bigint() - began) / 1e9;
    const selfUsed = selfCpuSeconds() - self;
    await sample();
    let pgCpu = 0;
    for (const [pid, seconds] of last) pgCpu += seconds - (start.get(pid) ?? 0);
    let extra = 0;
    for (const [pid, seconds] of extraLast) extra += seconds - (extraStart.get(pid) ?? 0);
    return { result, cpu: { wall_s: round3(wall), node_cpu_s: round3(selfUsed + extra), pg_cpu_s: round3(pgCpu) } };
  }

  async close(): Promise<void> {
    await this.monitor.end();
  }
}

const round3 = (n: number): number => Number(n.toFixed(3));

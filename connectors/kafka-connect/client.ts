/**
 * Kafka Connect's REST API: register (idempotently), inspect and remove connectors. Debezium runs
 * inside Connect; this is how Data Factory asks it to capture a source.
 */

export interface ConnectorStatus {
  name: string;
  connector: { state: string; trace?: string };
  tasks: Array<{ id: number; state: string; trace?: string }>;
}

/** PUT /connector-plugins/<class>/config/validate: every setting the plugin and Connect define, with its errors. */
export interface ConfigValidation {
  name: string;
  error_count: number;
  configs: Array<{ definition: { name: string }; value: { name: string; errors: string[] } | null }>;
}

export class KafkaConnectError extends Error {
  /** Connect refused the request because its workers rebalance (see rebalancing), after every retry. */
  constructor(message: string, readonly rebalancing = false) {
    super(message);
    this.name = 'KafkaConnectError';
  }
}

export interface ConnectClientOptions {
  /** How often a request Connect refused while its workers rebalance is sent again (default 20). */
  rebalanceRetries?: number;
  /** The wait before each such retry (default 500 ms). */
  rebalanceWaitMs?: number;
}

/**
 * Connect refuses requests while its workers rebalance (right after a connector is added or
 * reconfigured): 409 "…stale configuration…" or "…conflicting operation (e.g. worker rebalance)", or
 * 500 "Request cannot be completed because a rebalance is expected". The request itself is fine, only
 * early. Other 409s (a connector that already exists) are answers, not retried.
 */
function rebalancing(status: number, text: string): boolean {
  return (status === 409 || status === 500) && /rebalanc|stale configuration|conflicting operation/i.test(text);
}

export function createConnectClient(baseUrl: string, options: ConnectClientOptions = {}) {
  const { rebalanceRetries = 20, rebalanceWaitMs = 500 } = options;
  async function call<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).catch((error: Error) => {
        throw new KafkaConnectError(`Kafka Connect at ${baseUrl} is unreachable (${error.message}): is it started? (factory stack up --with connect)`);
      });
      if (response.status === 404) return undefined;
      const text = await response.text();
      const refused = !response.ok && rebalancing(response.status, text);
      if (refused && attempt < rebalanceRetries) {
        await new Promise((resolve) => setTimeout(resolve, rebalanceWaitMs));
        continue;
      }
      if (!response.ok) throw new KafkaConnectError(`Kafka Connect ${method} ${path}: HTTP ${response.status}: ${text.slice(0, 500)}`, refused);
      return text ? (JSON.parse(text) as T) : undefined;
    }
  }

  return {
    /** Creates or updates a connector (PUT is idempotent). */
    async putConnector(name: string, config: Record<string, string>): Promise<void> {
      await call('PUT', `/connectors/${encodeURIComponent(name)}/config`, { ...config, name });
    },
    /** Creates a connector that does not run yet (KIP-980): its offsets can be reset before its first start. */
    async createStopped(name: string, config: Record<string, string>): Promise<void> {
      await call('POST', '/connectors', { name, config: { ...config, name }, initial_state: 'STOPPED' });
    },
    /** Pauses the connector's tasks; a task reconfigured meanwhile starts only on resume. */
    async pause(name: string): Promise<void> {
      await call('PUT', `/connectors/${encodeURIComponent(name)}/pause`);
    },
    async resume(name: string): Promise<void> {
      await call('PUT', `/connectors/${encodeURIComponent(name)}/resume`);
    },
    /** Whether the connector exists (its config is stored; its status may not be published yet). */
    async exists(name: string): Promise<boolean> {
      return (await call('GET', `/connectors/${encodeURIComponent(name)}`)) !== undefined;
    },
    /**
     * Has the plugin check a configuration without creating a connector. Debezium's connectors then try
     * to connect to the database, once every field is valid; Connect resolves config provider
     * references (`${file:…}`) first, as it would when starting the task.
     */
    async validateConfig(connectorClass: string, config: Record<string, string>): Promise<ConfigValidation> {
      const result = await call<ConfigValidation>('PUT', `/connector-plugins/${encodeURIComponent(connectorClass)}/config/validate`, { ...config, name: config.name ?? 'validation' });
      if (!result) throw new KafkaConnectError(`Kafka Connect has no plugin ${connectorClass}: is it installed on the worker's plugin.path?`);
      return result;
    },
    /** The connector's stored configuration; undefined when there is no such connector. */
    async config(name: string): Promise<Record<string, string> | undefined> {
      return call<Record<string, string>>('GET', `/connectors/${encodeURIComponent(name)}/config`);
    },
    /**
     * The configuration of each task as Connect generated it from the connector's (GET …/tasks):
     * after a config change it shows whether Connect has reconfigured the tasks yet. Undefined when
     * there is no such connector.
     */
    async taskConfigs(name: string): Promise<Array<Record<string, string>> | undefined> {
      const tasks = await call<Array<{ config: Record<string, string> }>>('GET', `/connectors/${encodeURIComponent(name)}/tasks`);
      return tasks?.map((t) => t.config);
    },
    async status(name: string): Promise<ConnectorStatus | undefined> {
      return call<ConnectorStatus>('GET', `/connectors/${encodeURIComponent(name)}/status`);
    },
    async deleteConnector(name: string): Promise<void> {
      await call('DELETE', `/connectors/${encodeURIComponent(name)}`);
    },
    /**
     * Stops the connector and deletes the source offsets Connect keeps under its name (KIP-875): a
     * connector registered again under that name then starts from a fresh snapshot instead of a
     * position its new replication slot no longer has. False when there is no such connector.
     */
    async resetOffsets(name: string, timeoutMs = 60_000): Promise<boolean> {
      const path = `/connectors/${encodeURIComponent(name)}`;
      if (!(await this.exists(name))) return false;
      await call('PUT', `${path}/stop`);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // The status of a connector just created may not be published yet (undefined): wait for it.
        const state = (await this.status(name))?.connector.state;
        // Offsets can only be reset once every task has stopped.
        if (state === 'STOPPED') {
          try {
            await call('DELETE', `${path}/offsets`);
            return true;
          } catch (error) {
            if (!(error instanceof KafkaConnectError) || Date.now() > deadline) throw error;
          }
        } else if (Date.now() > deadline) {
          throw new KafkaConnectError(`connector ${name} did not stop within ${timeoutMs / 1000} s (state ${state ?? 'not published'})`);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    /** Waits until the connector and all its tasks run; a FAILED task ends the wait with its trace. */
    async waitRunning(name: string, timeoutMs = 60_000): Promise<ConnectorStatus> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const status = await this.status(name);
        const failed = status?.tasks.find((t) => t.state === 'FAILED') ?? (status?.connector.state === 'FAILED' ? status.connector : undefined);
        if (failed) throw new KafkaConnectError(`connector ${name} failed: ${(failed.trace ?? '').split('\n')[0]}`);
        if (status && status.connector.state === 'RUNNING' && status.tasks.length > 0 && status.tasks.every((t) => t.state === 'RUNNING')) return status;
        if (Date.now() > deadline) throw new KafkaConnectError(`connector ${name} not running after ${timeoutMs / 1000} s (last state: ${JSON.stringify(status ?? 'absent')})`);
        await new Promise((r) => setTimeout(r, 500));
      }
    },
  };
}

export type ConnectClient = ReturnType<typeof createConnectClient>;

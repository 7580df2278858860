import proto, { type temporal } from '@temporalio/proto';

/**
 * Workflow histories as JSON files (test/histories/*.json), for replay tests.
 *
 * Not the SDK's historyToJSON/historyFromJSON: in this install @temporalio/common and
 * @temporalio/proto each carry their own copy of protobufjs, and the SDK's proto-JSON helper then
 * fails with "type must be a Type". protobufjs' own object form (enums by name, 64-bit integers and
 * bytes as text) round-trips through the History class the worker encodes from.
 */
// CommonJS package: its namespace comes through the default export under ESM.
const History = proto.temporal.api.history.v1.History;

export function historyToJson(history: temporal.api.history.v1.IHistory): string {
  return JSON.stringify(History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String }), null, 1);
}

export function historyFromJson(text: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(text) as Record<string, unknown>);
}

/** Change-event decoding for CDC ingestion (Debezium and IBM IIDR envelopes): pure code, no I/O. */
export { envelopeAdapter, envelopeFormats, type EnvelopeFormat, type RecordHeaders } from './adapter.js';
export { decodeRecord, type DecodeContract, type DecodeResult, type DecodedChange, type KafkaRecordInput } from './decode.js';
export { parseEnvelope, parseKey, type Envelope, type EnvelopeResult, type Op } from './envelope.js';
export { decodeValue, describeField, incompatibility, inferFieldSchema, logicalNames, type FieldSchema, type ValueOutcome } from './logical-types.js';
export {
  backfillPosition, comparePositions, db2Position, handoverDisposition, iidrPosition, parsePgLsn, pgPosition, positionKind,
  type PositionKind, type PositionResult,
} from './position.js';
export {
  acceptanceBlockers, compareSchema, describeSchemaChange, isBreaking, mergeAccepted, uncoveredChange, type AcceptanceBlocker, type AcceptedSchemaChange,
  type SchemaChange,
} from './schema-change.js';

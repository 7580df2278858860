import { createdTs, updatedTs } from './common-columns.js';
import type { DomainDeclaration } from '../contracts/contract.js';

/**
 * After-sales care. Cases, notes and surveys live in the PostgreSQL CRM (system 'crm_pg'); complaints
 * with compensation and the telephony log live in DB2 because finance and the PBX write there.
 */
export const customerServiceDomain = {
  name: 'customer_service',
  description: 'Service cases and their notes, complaints with compensation, call-centre calls and guest satisfaction surveys.',
  dpo: { id: 'dpo.customer_service', name: 'Tamsin Okafor-Reid', email: 'dpo.customer_service@example.org' },
  // The directory groups whose members may decide for the domain: roles come from the directory, not from this file.
  directoryGroups: { dpo: 'dpo-customer_service', deputies: 'deputy-customer_service' },
  deputies: [
    { id: 'deputy.customer_service.1', name: 'Hugo Vasconcelos' },
    { id: 'deputy.customer_service.2', name: 'Mirela Dragomir' },
  ],
  tables: [
    {
      name: 'service_case',
      description: 'A guest request or problem handled by the call centre, from opening to closure.',
      source: { system: 'crm_pg', schema: 'CRM', table: 'SERVICE_CASE' },
      primaryKey: ['CASE_ID'],
      columns: [
        { name: 'CASE_ID', type: 'BIGINT' },
        { name: 'CUSTOMER_ID', type: 'BIGINT', nullable: true, references: 'customer.customer.CUSTOMER_ID' },
        { name: 'BOOKING_ID', type: 'BIGINT', nullable: true, references: 'booking.booking.BOOKING_ID' },
        { name: 'CATEGORY', type: 'VARCHAR(20)', description: 'change, cancellation, complaint, question…' },
        { name: 'PRIORITY', type: 'SMALLINT', description: '1 urgent … 4 low.' },
        { name: 'STATUS', type: 'VARCHAR(12)', description: 'open, waiting, resolved, closed.' },
        { name: 'OPENED_TS', type: 'TIMESTAMP(6)' },
        { name: 'CLOSED_TS', type: 'TIMESTAMP(6)', nullable: true },
        { name: 'ASSIGNED_AGENT', type: 'VARCHAR(40)', nullable: true, description: 'Agent user id.' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'case_note',
      description: 'Free-text notes agents add to a case; may contain health or other special-category data.',
      source: { system: 'crm_pg', schema: 'CRM', table: 'CASE_NOTE' },
      primaryKey: ['NOTE_ID'],
      columns: [
        { name: 'NOTE_ID', type: 'BIGINT' },
        { name: 'CASE_ID', type: 'BIGINT', references: 'customer_service.service_case.CASE_ID' },
        { name: 'NOTE_TEXT', type: 'VARCHAR(4000)', pii: 'sensitive' },
        { name: 'AUTHOR_ID', type: 'VARCHAR(40)' },
        { name: 'INTERNAL_ONLY', type: 'BOOLEAN', description: 'Hidden from the guest portal.' },
        createdTs,
      ],
    },
    {
      name: 'complaint',
      description: 'Formal complaints about a stay, with the compensation granted.',
      source: { system: 'db2', schema: 'CSRV', table: 'COMPLAINT' },
      primaryKey: ['COMPLAINT_ID'],
      columns: [
        { name: 'COMPLAINT_ID', type: 'BIGINT' },
        { name: 'BOOKING_ID', type: 'BIGINT', references: 'booking.booking.BOOKING_ID' },
        { name: 'RESORT_CODE', type: 'CHAR(4)', references: 'reference.resort.RESORT_CODE' },
        { name: 'CATEGORY_CODE', type: 'CHAR(4)', description: 'ROOM, FOOD, NOIS, TRSF, STAF…' },
        { name: 'RECEIVED_DATE_NUM', type: 'DECIMAL(8,0)', encoding: 'yyyymmdd' },
        { name: 'COMPENSATION_AMOUNT', type: 'DECIMAL(9,2)', nullable: true },
        { name: 'CURRENCY_CODE', type: 'CHAR(3)', nullable: true, references: 'reference.currency.CURRENCY_CODE' },
        { name: 'STATUS_CODE', type: 'CHAR(1)', description: 'O open, A accepted, R rejected.' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'call_log',
      description: 'Inbound and outbound calls of the call centre, written by the telephony integration.',
      source: { system: 'db2', schema: 'CSRV', table: 'CALL_LOG' },
      primaryKey: ['CALL_ID'],
      columns: [
        { name: 'CALL_ID', type: 'BIGINT' },
        { name: 'CUSTOMER_ID', type: 'BIGINT', nullable: true, references: 'customer.customer.CUSTOMER_ID', description: 'Set when the agent identified the caller.' },
        { name: 'CALLER_NUMBER', type: 'VARCHAR(20)', nullable: true, pii: 'contact' },
        { name: 'AGENT_ID', type: 'CHAR(8)' },
        { name: 'DIRECTION', type: 'CHAR(1)', description: 'I inbound, O outbound.' },
        { name: 'CALL_START_TS', type: 'TIMESTAMP(6)' },
        { name: 'DURATION_SECONDS', type: 'INTEGER' },
        { name: 'OUTCOME_CODE', type: 'CHAR(2)', description: 'RS resolved, CB call back, TR transferred, AB abandoned.' },
        createdTs,
      ],
      qualityRules: [
        { id: 'call_outcome_known', kind: 'accepted_values', column: 'OUTCOME_CODE', values: ['RS', 'CB', 'TR', 'AB'], severity: 'block' },
        {
          id: 'caller_number_e164', kind: 'format', column: 'CALLER_NUMBER', format: 'phone_e164',
          description: 'The telephony integration stores numbers as dialled, with spaces; the qualified layer normalises them. Known, so a warning.',
        },
      ],
    },
    {
      name: 'survey_response',
      description: 'Post-stay satisfaction survey answers collected by the CRM.',
      source: { system: 'crm_pg', schema: 'CRM', table: 'SURVEY_RESPONSE' },
      primaryKey: ['RESPONSE_ID'],
      columns: [
        { name: 'RESPONSE_ID', type: 'BIGINT' },
        { name: 'BOOKING_ID', type: 'BIGINT', references: 'booking.booking.BOOKING_ID' },
        { name: 'SCORE', type: 'SMALLINT', description: 'Net promoter score, 0–10.' },
        { name: 'COMMENT_TEXT', type: 'VARCHAR(2000)', nullable: true, pii: 'sensitive', description: 'Free text; guests mention health and family matters.' },
        { name: 'RESPONDED_TS', type: 'TIMESTAMP(6)' },
        createdTs,
      ],
    },
  ],
  products: [
    {
      name: 'service_cases',
      description: 'Cases, complaints and calls per customer and booking, without note texts, for service quality reporting.',
      tables: ['service_case', 'complaint', 'call_log'],
      consumers: ['call-centre', 'quality-management'],
      // Customer-360: the guest's open cases.
      serving: 'realtime',
    },
    {
      name: 'guest_satisfaction',
      description: 'Survey scores per booking and resort.',
      tables: ['survey_response', 'booking.booking', 'reference.resort'],
      consumers: ['resort-operations', 'analytics'],
    },
  ],
  kpis: [
    {
      name: 'open_case_backlog',
      description: 'Call-centre cases still open or waiting, by the day they were opened: the trend shows where the backlog comes from, its sum is the backlog.',
      product: 'service_cases', table: 'service_case',
      measure: { kind: 'count', where: [{ column: 'STATUS', op: 'in', value: ['open', 'waiting'] }] },
      grain: { time: 'day', column: 'OPENED_TS' },
      target: { value: 10, direction: 'at_most' },
      owner: 'dpo.customer_service', unit: 'count',
    },
    {
      // Reads a contact number: the call centre sees it, roles that get it masked (analysts, engineers) are refused.
      name: 'distinct_callers_per_day',
      description: 'Different numbers that called or were called per day: how many people the call centre spoke to.',
      product: 'service_cases', table: 'call_log',
      measure: { kind: 'count_distinct', column: 'CALLER_NUMBER' },
      grain: { time: 'day', column: 'CALL_START_TS' },
      target: { value: 400, direction: 'at_most' },
      owner: 'deputy.customer_service.1', unit: 'count',
    },
  ],
} satisfies DomainDeclaration;

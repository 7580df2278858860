import { createdTs, updatedTs } from './common-columns.js';
import type { DomainDeclaration } from '../contracts/contract.js';

/**
 * Campaigns run from the PostgreSQL CRM (system 'crm_pg'), plus the marketing consents that the
 * booking system keeps in DB2 because every channel must check them before contacting a guest.
 */
export const marketingDomain = {
  name: 'marketing',
  description: 'Marketing consents, campaigns, who was contacted by which campaign, and newsletter subscriptions.',
  dpo: { id: 'dpo.marketing', name: 'Leonie Hartwell-Brandt', email: 'dpo.marketing@example.org' },
  // The directory groups whose members may decide for the domain: roles come from the directory, not from this file.
  directoryGroups: { dpo: 'dpo-marketing', deputies: 'deputy-marketing' },
  deputies: [{ id: 'deputy.marketing.1', name: 'Anselm Dufresne' }],
  tables: [
    {
      name: 'consent',
      description: 'Per customer and purpose, whether marketing contact is allowed; the legal record of consent.',
      source: { system: 'db2', schema: 'MKTG', table: 'CONSENT' },
      primaryKey: ['CUSTOMER_ID', 'PURPOSE_CODE'],
      columns: [
        { name: 'CUSTOMER_ID', type: 'BIGINT', references: 'customer.customer.CUSTOMER_ID' },
        { name: 'PURPOSE_CODE', type: 'CHAR(4)', description: 'NEWS newsletter, PROF profiling, PART partner offers.' },
        { name: 'GRANTED_FLAG', type: 'CHAR(1)' },
        { name: 'SOURCE_CHANNEL', type: 'CHAR(3)', references: 'distribution.channel.CHANNEL_CODE', description: 'Where the guest gave or withdrew consent.' },
        { name: 'GRANTED_TS', type: 'TIMESTAMP(6)' },
        { name: 'REVOKED_TS', type: 'TIMESTAMP(6)', nullable: true },
        updatedTs,
      ],
    },
    {
      name: 'campaign',
      description: 'Marketing campaigns planned in the CRM.',
      source: { system: 'crm_pg', schema: 'CRM', table: 'CAMPAIGN' },
      primaryKey: ['CAMPAIGN_ID'],
      columns: [
        { name: 'CAMPAIGN_ID', type: 'BIGINT' },
        { name: 'CAMPAIGN_NAME', type: 'VARCHAR(120)' },
        { name: 'MEDIUM', type: 'VARCHAR(20)', description: 'email, sms, print, social.' },
        { name: 'START_DATE', type: 'DATE' },
        { name: 'END_DATE', type: 'DATE', nullable: true },
        { name: 'BUDGET_AMOUNT', type: 'NUMERIC(12,2)', nullable: true },
        { name: 'CURRENCY_CODE', type: 'CHAR(3)', references: 'reference.currency.CURRENCY_CODE' },
        { name: 'OWNER_TEAM', type: 'VARCHAR(40)' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'campaign_contact',
      description: 'Each customer a campaign reached, with opens and clicks tracked by the CRM.',
      source: { system: 'crm_pg', schema: 'CRM', table: 'CAMPAIGN_CONTACT' },
      primaryKey: ['CAMPAIGN_ID', 'CUSTOMER_ID'],
      columns: [
        { name: 'CAMPAIGN_ID', type: 'BIGINT', references: 'marketing.campaign.CAMPAIGN_ID' },
        { name: 'CUSTOMER_ID', type: 'BIGINT', references: 'customer.customer.CUSTOMER_ID' },
        { name: 'EMAIL_ADDRESS', type: 'VARCHAR(254)', nullable: true, pii: 'contact', description: 'The address the CRM sent to (a copy).' },
        { name: 'SENT_TS', type: 'TIMESTAMP(6)' },
        { name: 'OPENED_TS', type: 'TIMESTAMP(6)', nullable: true },
        { name: 'CLICKED_TS', type: 'TIMESTAMP(6)', nullable: true },
        { name: 'UNSUBSCRIBED', type: 'BOOLEAN' },
        updatedTs,
      ],
      qualityRules: [
        {
          id: 'contact_email_format', kind: 'format', column: 'EMAIL_ADDRESS', format: 'email', threshold: 0.05,
          description: 'The CRM copies blank addresses of legacy contacts (a few percent); more means a broken export.',
        },
      ],
    },
    {
      name: 'newsletter_subscription',
      description: 'Newsletter sign-ups from the website, including people who never booked.',
      source: { system: 'crm_pg', schema: 'CRM', table: 'SUBSCRIPTION' },
      primaryKey: ['SUBSCRIPTION_ID'],
      columns: [
        { name: 'SUBSCRIPTION_ID', type: 'BIGINT' },
        { name: 'EMAIL_ADDRESS', type: 'VARCHAR(254)', pii: 'contact' },
        { name: 'CUSTOMER_ID', type: 'BIGINT', nullable: true, references: 'customer.customer.CUSTOMER_ID', description: 'Set when matched to a customer.' },
        { name: 'LANGUAGE_CODE', type: 'CHAR(2)', references: 'reference.language.LANGUAGE_CODE' },
        { name: 'SUBSCRIBED_TS', type: 'TIMESTAMP(6)' },
        { name: 'UNSUBSCRIBED_TS', type: 'TIMESTAMP(6)', nullable: true },
        createdTs,
        updatedTs,
      ],
      qualityRules: [
        { id: 'subscription_email_format', kind: 'format', column: 'EMAIL_ADDRESS', format: 'email', severity: 'block', quarantine: true },
      ],
    },
  ],
  products: [
    {
      name: 'campaign_performance',
      description: 'Campaign reach, opens and clicks joined to the bookings that followed, without contact details.',
      tables: ['campaign', 'campaign_contact', 'booking.booking'],
      consumers: ['marketing', 'analytics'],
    },
    {
      name: 'marketing_permissions',
      description: 'Current consent per customer and purpose, which every outbound channel must check.',
      tables: ['consent', 'newsletter_subscription'],
      consumers: ['marketing', 'call-centre'],
      // Customer-360: consent is checked before the agent offers anything.
      serving: 'realtime',
    },
  ],
} satisfies DomainDeclaration;

import { createdTs, updatedTs } from './common-columns.js';
import type { DomainDeclaration } from '../contracts/contract.js';

/** The loyalty programme: members earn points on stays and redeem them for rewards. */
export const loyaltyDomain = {
  name: 'loyalty',
  description: 'Loyalty programme tiers, memberships, points earned and redeemed, and the reward catalogue.',
  dpo: { id: 'dpo.loyalty', name: 'Valentina Ostrakova', email: 'dpo.loyalty@example.org' },
  // The directory groups whose members may decide for the domain: roles come from the directory, not from this file.
  directoryGroups: { dpo: 'dpo-loyalty', deputies: 'deputy-loyalty' },
  deputies: [{ id: 'deputy.loyalty.1', name: 'Jarno Peltomaa' }],
  tables: [
    {
      name: 'tier',
      description: 'Programme tiers and the points needed to reach them.',
      source: { system: 'db2', schema: 'LOYL', table: 'TIER' },
      primaryKey: ['TIER_CODE'],
      columns: [
        { name: 'TIER_CODE', type: 'CHAR(2)', description: 'BR bronze, SI silver, GO gold, PL platinum.' },
        { name: 'TIER_NAME', type: 'VARCHAR(40)' },
        { name: 'MIN_POINTS', type: 'INTEGER' },
        { name: 'EARN_RATE', type: 'DECIMAL(5,2)', description: 'Points per EUR spent.' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'membership',
      description: 'A customer enrolled in the programme; at most one membership per customer.',
      source: { system: 'db2', schema: 'LOYL', table: 'MEMBERSHIP' },
      primaryKey: ['MEMBER_ID'],
      columns: [
        { name: 'MEMBER_ID', type: 'BIGINT' },
        { name: 'CUSTOMER_ID', type: 'BIGINT', references: 'customer.customer.CUSTOMER_ID' },
        { name: 'CARD_NUMBER', type: 'CHAR(12)', pii: 'identity', description: 'Printed on the member card; identifies the person.' },
        { name: 'TIER_CODE', type: 'CHAR(2)', references: 'loyalty.tier.TIER_CODE' },
        { name: 'ENROLL_DATE_NUM', type: 'DECIMAL(8,0)', encoding: 'yyyymmdd' },
        { name: 'POINTS_BALANCE', type: 'INTEGER' },
        { name: 'STATUS_CODE', type: 'CHAR(1)', description: 'A active, S suspended, C closed.' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'points_transaction',
      description: 'Points earned on stays, redeemed for rewards, expired or adjusted; append-only.',
      source: { system: 'db2', schema: 'LOYL', table: 'POINTS_TXN' },
      primaryKey: ['TRANSACTION_ID'],
      columns: [
        { name: 'TRANSACTION_ID', type: 'BIGINT' },
        { name: 'MEMBER_ID', type: 'BIGINT', references: 'loyalty.membership.MEMBER_ID' },
        { name: 'BOOKING_ID', type: 'BIGINT', nullable: true, references: 'booking.booking.BOOKING_ID' },
        { name: 'REWARD_ID', type: 'INTEGER', nullable: true, references: 'loyalty.reward.REWARD_ID' },
        { name: 'TRANSACTION_TYPE', type: 'CHAR(1)', description: 'E earn, R redeem, X expire, A adjust.' },
        { name: 'POINTS', type: 'INTEGER', description: 'Negative for redemptions and expiries.' },
        { name: 'TRANSACTION_TS', type: 'TIMESTAMP(6)' },
        { name: 'EXPIRY_DATE', type: 'DATE', nullable: true },
        createdTs,
      ],
    },
    {
      name: 'reward',
      description: 'Rewards members can redeem points for, often a product of the catalogue.',
      source: { system: 'db2', schema: 'LOYL', table: 'REWARD' },
      primaryKey: ['REWARD_ID'],
      columns: [
        { name: 'REWARD_ID', type: 'INTEGER' },
        { name: 'REWARD_NAME', type: 'VARCHAR(80)' },
        { name: 'POINTS_COST', type: 'INTEGER' },
        { name: 'PRODUCT_ID', type: 'INTEGER', nullable: true, references: 'product.product.PRODUCT_ID' },
        { name: 'VALID_FROM', type: 'DATE' },
        { name: 'VALID_TO', type: 'DATE', nullable: true },
        createdTs,
        updatedTs,
      ],
    },
  ],
  products: [
    {
      name: 'loyalty_members',
      description: 'Members with tier and points balance, and their points history, for marketing and the call centre.',
      tables: ['membership', 'tier', 'points_transaction', 'reward'],
      consumers: ['marketing', 'call-centre'],
    },
  ],
} satisfies DomainDeclaration;

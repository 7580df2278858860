import { createdTs, updatedTs } from './common-columns.js';
import type { DomainDeclaration } from '../contracts/contract.js';

/** What can be sold: rooms, meal plans, activities. Prices live in the pricing domain. */
export const productDomain = {
  name: 'product',
  description: 'The sellable catalogue: room types per resort, meal plans, activities and the products that bundle them.',
  dpo: { id: 'dpo.product', name: 'Joaquim Arvelos', email: 'dpo.product@example.org' },
  // The directory groups whose members may decide for the domain: roles come from the directory, not from this file.
  directoryGroups: { dpo: 'dpo-product', deputies: 'deputy-product' },
  deputies: [{ id: 'deputy.product.1', name: 'Wiebke Strandholm' }],
  tables: [
    {
      name: 'room_type',
      description: 'Room categories of a resort; the code is only unique within the resort.',
      source: { system: 'db2', schema: 'PROD', table: 'ROOM_TYPE' },
      primaryKey: ['RESORT_CODE', 'ROOM_TYPE'],
      columns: [
        { name: 'RESORT_CODE', type: 'CHAR(4)', references: 'reference.resort.RESORT_CODE' },
        { name: 'ROOM_TYPE', type: 'CHAR(4)', description: 'e.g. DBLS (double, sea view), FAM2.' },
        { name: 'DESCRIPTION', type: 'VARCHAR(120)' },
        { name: 'MAX_OCCUPANCY', type: 'SMALLINT' },
        { name: 'BEDROOM_COUNT', type: 'SMALLINT' },
        { name: 'SIZE_SQM', type: 'DECIMAL(5,1)', nullable: true },
        { name: 'ACTIVE_FLAG', type: 'CHAR(1)' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'meal_plan',
      description: 'Board basis: room only, breakfast, half board, full board, all inclusive.',
      source: { system: 'db2', schema: 'PROD', table: 'MEAL_PLAN' },
      primaryKey: ['MEAL_PLAN_CODE'],
      columns: [
        { name: 'MEAL_PLAN_CODE', type: 'CHAR(2)', description: 'RO, BB, HB, FB, AI.' },
        { name: 'DESCRIPTION', type: 'VARCHAR(60)' },
        { name: 'SORT_ORDER', type: 'SMALLINT' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'product',
      description: 'A sellable unit that a booking line points at: an accommodation, activity, transfer, insurance or meal supplement.',
      source: { system: 'db2', schema: 'PROD', table: 'PRODUCT' },
      primaryKey: ['PRODUCT_ID'],
      columns: [
        { name: 'PRODUCT_ID', type: 'INTEGER' },
        { name: 'PRODUCT_TYPE', type: 'CHAR(2)', description: 'AC accommodation, AT activity, TR transfer, IN insurance, ME meal supplement.' },
        { name: 'PRODUCT_NAME', type: 'VARCHAR(120)' },
        { name: 'RESORT_CODE', type: 'CHAR(4)', nullable: true, references: 'reference.resort.RESORT_CODE', description: 'Empty for products sold at every resort.' },
        { name: 'ROOM_TYPE', type: 'CHAR(4)', nullable: true, references: 'product.room_type.ROOM_TYPE', description: 'Accommodation products only; a room type of RESORT_CODE.' },
        { name: 'MEAL_PLAN_CODE', type: 'CHAR(2)', nullable: true, references: 'product.meal_plan.MEAL_PLAN_CODE' },
        { name: 'VALID_FROM', type: 'DATE' },
        { name: 'VALID_TO', type: 'DATE', nullable: true },
        { name: 'SALEABLE_FLAG', type: 'CHAR(1)', description: 'N hides the product from new sales without deleting history.' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'activity',
      description: 'Bookable activities at a resort (ski school, diving, excursions) with their age and capacity limits.',
      source: { system: 'db2', schema: 'PROD', table: 'ACTIVITY' },
      primaryKey: ['ACTIVITY_ID'],
      columns: [
        { name: 'ACTIVITY_ID', type: 'INTEGER' },
        { name: 'PRODUCT_ID', type: 'INTEGER', references: 'product.product.PRODUCT_ID', description: 'The product sold on booking lines.' },
        { name: 'RESORT_CODE', type: 'CHAR(4)', references: 'reference.resort.RESORT_CODE' },
        { name: 'ACTIVITY_CODE', type: 'CHAR(6)' },
        { name: 'ACTIVITY_NAME', type: 'VARCHAR(80)' },
        { name: 'MIN_AGE', type: 'SMALLINT', nullable: true },
        { name: 'DURATION_MINUTES', type: 'SMALLINT' },
        { name: 'CAPACITY', type: 'SMALLINT', description: 'Participants per session.' },
        createdTs,
        updatedTs,
      ],
    },
  ],
  products: [
    {
      name: 'product_catalogue',
      description: 'The current catalogue with room types, meal plans and activities, for agencies and the website.',
      tables: ['product', 'room_type', 'meal_plan', 'activity', 'reference.resort'],
      consumers: ['travel-agencies', 'web'],
    },
  ],
} satisfies DomainDeclaration;

import { createdTs, updatedTs } from './common-columns.js';
import type { DomainDeclaration } from '../contracts/contract.js';

/** What is left to sell, night by night. */
export const inventoryDomain = {
  name: 'inventory',
  description: 'Physical rooms, nightly availability per room type, and allotments held for agencies.',
  dpo: { id: 'dpo.inventory', name: 'Greta Lindqvist-Auer', email: 'dpo.inventory@example.org' },
  // The directory groups whose members may decide for the domain: roles come from the directory, not from this file.
  directoryGroups: { dpo: 'dpo-inventory', deputies: 'deputy-inventory' },
  deputies: [{ id: 'deputy.inventory.1', name: 'Emeka Okonkwo-Hale' }],
  tables: [
    {
      name: 'room',
      description: 'Physical rooms of a resort and their current state.',
      source: { system: 'db2', schema: 'INVT', table: 'ROOM' },
      primaryKey: ['RESORT_CODE', 'ROOM_NUMBER'],
      columns: [
        { name: 'RESORT_CODE', type: 'CHAR(4)', references: 'reference.resort.RESORT_CODE' },
        { name: 'ROOM_NUMBER', type: 'CHAR(6)', description: 'As written on the door, blank-padded, e.g. "B214  ".', padding: 'trim' },
        { name: 'ROOM_TYPE', type: 'CHAR(4)', references: 'product.room_type.ROOM_TYPE' },
        { name: 'FLOOR_NO', type: 'SMALLINT' },
        { name: 'STATUS_CODE', type: 'CHAR(1)', description: 'V vacant, O occupied, M maintenance.' },
        updatedTs,
      ],
    },
    {
      name: 'room_inventory',
      description: 'Availability per resort, room type and night; updated on every booking and release.',
      source: { system: 'db2', schema: 'INVT', table: 'ROOM_INVENTORY' },
      primaryKey: ['RESORT_CODE', 'ROOM_TYPE', 'STAY_DATE'],
      columns: [
        { name: 'RESORT_CODE', type: 'CHAR(4)', references: 'reference.resort.RESORT_CODE' },
        { name: 'ROOM_TYPE', type: 'CHAR(4)', references: 'product.room_type.ROOM_TYPE' },
        { name: 'STAY_DATE', type: 'DATE', description: 'The night, in resort local time.' },
        { name: 'ROOMS_TOTAL', type: 'SMALLINT' },
        { name: 'ROOMS_SOLD', type: 'SMALLINT' },
        { name: 'ROOMS_BLOCKED', type: 'SMALLINT', description: 'Held by allotments, not yet sold.' },
        { name: 'ROOMS_OUT_OF_ORDER', type: 'SMALLINT' },
        { name: 'STOP_SALE_FLAG', type: 'CHAR(1)' },
        updatedTs,
      ],
    },
    {
      name: 'allotment',
      description: 'Rooms an agency may sell for a period, released back to general sale some days before arrival.',
      source: { system: 'db2', schema: 'INVT', table: 'ALLOTMENT' },
      primaryKey: ['ALLOTMENT_ID'],
      columns: [
        { name: 'ALLOTMENT_ID', type: 'INTEGER' },
        { name: 'AGENCY_ID', type: 'INTEGER', references: 'distribution.agency.AGENCY_ID' },
        { name: 'RESORT_CODE', type: 'CHAR(4)', references: 'reference.resort.RESORT_CODE' },
        { name: 'ROOM_TYPE', type: 'CHAR(4)', references: 'product.room_type.ROOM_TYPE' },
        { name: 'FROM_DATE', type: 'DATE' },
        { name: 'TO_DATE', type: 'DATE' },
        { name: 'ROOMS_PER_NIGHT', type: 'SMALLINT' },
        { name: 'RELEASE_DAYS', type: 'SMALLINT', description: 'Unsold rooms return to general sale this many days before arrival.' },
        createdTs,
        updatedTs,
      ],
    },
  ],
  products: [
    {
      name: 'availability',
      description: 'Nightly availability by resort and room type, net of allotments, for revenue management.',
      tables: ['room_inventory', 'allotment', 'product.room_type'],
      consumers: ['revenue-management'],
    },
  ],
} satisfies DomainDeclaration;

import { createdTs, updatedTs } from './common-columns.js';
import type { DomainDeclaration } from '../contracts/contract.js';

/** Getting guests to the resort and back: charter seats and ground transfers. */
export const transportDomain = {
  name: 'transport',
  description: 'Airports, charter flights, seats reserved for booked guests, and airport–resort transfers.',
  dpo: { id: 'dpo.transport', name: 'Oskar Vaernes', email: 'dpo.transport@example.org' },
  // The directory groups whose members may decide for the domain: roles come from the directory, not from this file.
  directoryGroups: { dpo: 'dpo-transport', deputies: 'deputy-transport' },
  deputies: [{ id: 'deputy.transport.1', name: 'Ludmila Krasowska' }],
  tables: [
    {
      name: 'airport',
      description: 'Airports served by charter flights and transfers.',
      source: { system: 'db2', schema: 'TRSP', table: 'AIRPORT' },
      primaryKey: ['AIRPORT_CODE'],
      columns: [
        { name: 'AIRPORT_CODE', type: 'CHAR(3)', description: 'IATA code.' },
        { name: 'AIRPORT_NAME', type: 'VARCHAR(80)' },
        { name: 'COUNTRY_CODE', type: 'CHAR(2)', references: 'reference.country.COUNTRY_CODE' },
        { name: 'TIMEZONE_NAME', type: 'VARCHAR(40)' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'flight',
      description: 'Charter flight legs with their seat capacity.',
      source: { system: 'db2', schema: 'TRSP', table: 'FLIGHT' },
      primaryKey: ['FLIGHT_ID'],
      columns: [
        { name: 'FLIGHT_ID', type: 'BIGINT' },
        { name: 'CARRIER_CODE', type: 'CHAR(2)' },
        { name: 'FLIGHT_NUMBER', type: 'CHAR(6)', description: 'Blank-padded, e.g. "4521  ".' },
        { name: 'DEPARTURE_AIRPORT', type: 'CHAR(3)', references: 'transport.airport.AIRPORT_CODE' },
        { name: 'ARRIVAL_AIRPORT', type: 'CHAR(3)', references: 'transport.airport.AIRPORT_CODE' },
        { name: 'DEPARTURE_TS', type: 'TIMESTAMP(0)', description: 'Local time at the departure airport.' },
        { name: 'ARRIVAL_TS', type: 'TIMESTAMP(0)', description: 'Local time at the arrival airport.' },
        { name: 'SEATS_TOTAL', type: 'SMALLINT' },
        { name: 'SEATS_SOLD', type: 'SMALLINT' },
        { name: 'STATUS_CODE', type: 'CHAR(1)', description: 'S scheduled, D delayed, X cancelled, L landed.' },
        updatedTs,
      ],
    },
    {
      name: 'flight_reservation',
      description: 'A seat on a flight for one guest of a booking.',
      source: { system: 'db2', schema: 'TRSP', table: 'FLIGHT_RESV' },
      primaryKey: ['BOOKING_ID', 'FLIGHT_ID', 'GUEST_SEQ'],
      columns: [
        { name: 'BOOKING_ID', type: 'BIGINT', references: 'booking.booking.BOOKING_ID' },
        { name: 'FLIGHT_ID', type: 'BIGINT', references: 'transport.flight.FLIGHT_ID' },
        { name: 'GUEST_SEQ', type: 'SMALLINT', references: 'booking.booking_guest.GUEST_SEQ', description: 'The guest within the booking.' },
        { name: 'PNR_LOCATOR', type: 'CHAR(6)' },
        { name: 'SEAT_NUMBER', type: 'CHAR(4)', nullable: true },
        { name: 'FARE_AMOUNT', type: 'DECIMAL(9,2)' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'transfer',
      description: 'Ground transfers between an airport and a resort for a booking.',
      source: { system: 'db2', schema: 'TRSP', table: 'TRANSFER' },
      primaryKey: ['TRANSFER_ID'],
      columns: [
        { name: 'TRANSFER_ID', type: 'BIGINT' },
        { name: 'BOOKING_ID', type: 'BIGINT', references: 'booking.booking.BOOKING_ID' },
        { name: 'AIRPORT_CODE', type: 'CHAR(3)', references: 'transport.airport.AIRPORT_CODE' },
        { name: 'RESORT_CODE', type: 'CHAR(4)', references: 'reference.resort.RESORT_CODE' },
        { name: 'DIRECTION', type: 'CHAR(1)', description: 'I inbound (to the resort), O outbound.' },
        { name: 'TRANSFER_TS', type: 'TIMESTAMP(0)' },
        { name: 'PASSENGERS', type: 'SMALLINT' },
        { name: 'VEHICLE_TYPE', type: 'CHAR(2)', description: 'CO coach, SH shuttle, PR private car.' },
        createdTs,
        updatedTs,
      ],
    },
  ],
  products: [
    {
      name: 'travel_itinerary',
      description: 'Flights and transfers per booking, for resort arrival planning.',
      tables: ['flight_reservation', 'flight', 'transfer', 'airport'],
      consumers: ['resort-operations'],
    },
  ],
} satisfies DomainDeclaration;

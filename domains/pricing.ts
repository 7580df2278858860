import { createdTs, updatedTs } from './common-columns.js';
import type { DomainDeclaration } from '../contracts/contract.js';

/** What things cost, per market, season and stay date. */
export const pricingDomain = {
  name: 'pricing',
  description: 'Price lists per market and currency, seasonal rates per product, and promotions.',
  dpo: { id: 'dpo.pricing', name: 'Rasmus Kjeldgaard', email: 'dpo.pricing@example.org' },
  // The directory groups whose members may decide for the domain: roles come from the directory, not from this file.
  directoryGroups: { dpo: 'dpo-pricing', deputies: 'deputy-pricing' },
  deputies: [{ id: 'deputy.pricing.1', name: 'Aurelie Fontanges' }],
  tables: [
    {
      name: 'season',
      description: 'Season periods of a resort (low, shoulder, high, peak); rates are loaded per season.',
      source: { system: 'db2', schema: 'PRIC', table: 'SEASON' },
      primaryKey: ['RESORT_CODE', 'SEASON_CODE'],
      columns: [
        { name: 'RESORT_CODE', type: 'CHAR(4)', references: 'reference.resort.RESORT_CODE' },
        { name: 'SEASON_CODE', type: 'CHAR(4)', description: 'e.g. W25H (winter 2025, high).' },
        { name: 'SEASON_NAME', type: 'VARCHAR(40)' },
        { name: 'START_DATE', type: 'DATE' },
        { name: 'END_DATE', type: 'DATE' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'price_list',
      description: 'A price list for one sales market and currency, e.g. the German brochure prices in EUR.',
      source: { system: 'db2', schema: 'PRIC', table: 'PRICE_LIST' },
      primaryKey: ['PRICE_LIST_ID'],
      columns: [
        { name: 'PRICE_LIST_ID', type: 'INTEGER' },
        { name: 'PRICE_LIST_CODE', type: 'CHAR(8)' },
        { name: 'MARKET_COUNTRY', type: 'CHAR(2)', nullable: true, references: 'reference.country.COUNTRY_CODE', description: 'Empty for the international list.' },
        { name: 'CURRENCY_CODE', type: 'CHAR(3)', references: 'reference.currency.CURRENCY_CODE' },
        { name: 'VALID_FROM', type: 'DATE' },
        { name: 'VALID_TO', type: 'DATE', nullable: true },
        { name: 'STATUS_CODE', type: 'CHAR(1)', description: 'D draft, P published, W withdrawn.' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'rate',
      description: 'Price of a product on a price list, from a stay date on, per occupancy.',
      source: { system: 'db2', schema: 'PRIC', table: 'RATE' },
      primaryKey: ['PRICE_LIST_ID', 'PRODUCT_ID', 'STAY_FROM_DATE', 'OCCUPANCY'],
      columns: [
        { name: 'PRICE_LIST_ID', type: 'INTEGER', references: 'pricing.price_list.PRICE_LIST_ID' },
        { name: 'PRODUCT_ID', type: 'INTEGER', references: 'product.product.PRODUCT_ID' },
        { name: 'STAY_FROM_DATE', type: 'DATE' },
        { name: 'STAY_TO_DATE', type: 'DATE' },
        { name: 'OCCUPANCY', type: 'SMALLINT', description: 'Number of adults the price is for.' },
        { name: 'SEASON_CODE', type: 'CHAR(4)', references: 'pricing.season.SEASON_CODE' },
        { name: 'BASE_AMOUNT', type: 'DECIMAL(11,2)', description: 'Per night (accommodation) or per unit, in the price list currency.' },
        { name: 'CHILD_DISCOUNT_PCT', type: 'DECIMAL(5,2)', nullable: true },
        updatedTs,
      ],
    },
    {
      name: 'promotion',
      description: 'Discount campaigns with their booking window, applied to booking lines.',
      source: { system: 'db2', schema: 'PRIC', table: 'PROMOTION' },
      primaryKey: ['PROMOTION_ID'],
      columns: [
        { name: 'PROMOTION_ID', type: 'INTEGER' },
        { name: 'PROMOTION_CODE', type: 'CHAR(10)' },
        { name: 'DESCRIPTION', type: 'VARCHAR(200)' },
        { name: 'DISCOUNT_PCT', type: 'DECIMAL(5,2)', nullable: true, description: 'Either a percentage or an amount is set.' },
        { name: 'DISCOUNT_AMOUNT', type: 'DECIMAL(9,2)', nullable: true },
        { name: 'CURRENCY_CODE', type: 'CHAR(3)', nullable: true, references: 'reference.currency.CURRENCY_CODE' },
        { name: 'BOOK_FROM_DATE_NUM', type: 'DECIMAL(8,0)', encoding: 'yyyymmdd' },
        { name: 'BOOK_TO_DATE_NUM', type: 'DECIMAL(8,0)', encoding: 'yyyymmdd' },
        createdTs,
        updatedTs,
      ],
      businessRules: [
        { id: 'promotion_code_trimmed', kind: 'trim', columns: ['PROMOTION_CODE', 'CURRENCY_CODE'] },
        { id: 'promotion_book_from', kind: 'yyyymmdd_date', column: 'BOOK_FROM_DATE_NUM', output: 'BOOK_FROM_DATE' },
        { id: 'promotion_book_to', kind: 'yyyymmdd_date', column: 'BOOK_TO_DATE_NUM', output: 'BOOK_TO_DATE', openEnd: '9999-12-31', description: '99999999 (no end) stays open, so a BETWEEN on the booking window still matches.' },
      ],
    },
  ],
  products: [
    {
      name: 'price_book',
      description: 'Published price lists with their rates and seasons, for revenue management and agencies.',
      tables: ['price_list', 'rate', 'season', 'promotion'],
      consumers: ['revenue-management', 'travel-agencies'],
    },
  ],
} satisfies DomainDeclaration;

import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes registered on the Temporal namespace (stack/ registers them on the dev
 * server), so the Temporal UI lists and filters runs by domain, table and status.
 */
export const factoryDomain = defineSearchAttributeKey('FactoryDomain', SearchAttributeType.KEYWORD);
export const factoryTable = defineSearchAttributeKey('FactoryTable', SearchAttributeType.KEYWORD);
export const factoryStatus = defineSearchAttributeKey('FactoryStatus', SearchAttributeType.KEYWORD);

export const searchAttributeNames = ['FactoryDomain', 'FactoryTable', 'FactoryStatus'] as const;

import { describe, expect, it } from 'vitest';
import { registry } from '../../domains/index.js';
import { accessContextOf } from '../../domains/products.js';
import { bigQueryAccessPlan, bigQuerySecuredViews, columnTagPatches, policyTagTaxonomy, rowAccessPolicyDdl } from './bigquery.js';
import { parseAccessRole } from './policy.js';

const ctx = accessContextOf(registry);
const options = { project: 'acme-data', location: 'EU', groupDomain: 'example.org' };
const key = Uint8Array.from({ length: 32 }, (_, i) => i);

describe('BigQuery artefacts of the access policy', () => {
  it('declares one taxonomy with a tag per personal class and a child per masking style in use', () => {
    const { taxonomy, policyTags } = policyTagTaxonomy(ctx);
    expect(taxonomy).toMatchObject({ displayName: 'factory-pii', activatedPolicyTypes: ['FINE_GRAINED_ACCESS_CONTROL'] });
    expect(policyTags.filter((t) => !t.parent).map((t) => t.key)).toEqual(['contact', 'identity', 'financial', 'sensitive']);
    expect(policyTags.map((t) => t.key)).toEqual(expect.arrayContaining([
      'contact.email', 'contact.email_or_phone', 'contact.phone', 'contact.initial', 'identity.initial', 'identity.year_date', 'identity.year_number',
    ]));
    expect(policyTags.find((t) => t.key === 'identity.year_number')).toMatchObject({ parent: 'identity', displayName: 'identity/year_number' });
  });

  it('makes data policies per tag and treatment, with the groups that read through them', () => {
    const plan = bigQueryAccessPlan(ctx, options, ['101'], key);
    const policy = (id: string) => plan.dataPolicies.find((p) => p.dataPolicy.dataPolicyId === id);
    expect(policy('contact_email_masked')).toEqual({
      dataPolicy: { dataPolicyId: 'contact_email_masked', dataPolicyType: 'DATA_MASKING_POLICY', policyTag: 'contact.email', dataMaskingPolicy: { predefinedExpression: 'EMAIL_MASK' } },
      binding: { role: 'roles/bigquerydatapolicy.maskedReader', members: ['group:engineers@example.org', 'group:analysts@example.org', 'group:agency-101@example.org'] },
    });
    expect(policy('identity_year_date_masked')?.dataPolicy.dataMaskingPolicy).toEqual({ predefinedExpression: 'DATE_YEAR_MASK' });
    expect(policy('identity_initial_pseudonymised')?.dataPolicy.dataMaskingPolicy).toEqual({ routine: 'projects/acme-data/datasets/factory_access/routines/pseudonym' });
    expect(policy('contact_phone_masked')?.dataPolicy.dataMaskingPolicy).toEqual({ routine: 'projects/acme-data/datasets/factory_access/routines/mask_phone' });
    // Hidden is no grant at all: no data policy names financial or sensitive for analysts.
    expect(plan.dataPolicies.filter((p) => /^(financial|sensitive)/.test(p.dataPolicy.dataPolicyId))).toEqual([]);
    expect(plan.fineGrainedReaders.find((r) => r.policyTag === 'financial.initial')?.binding.members).toEqual(['group:admins@example.org']);
    expect(plan.fineGrainedReaders.find((r) => r.policyTag === 'identity.initial')?.binding.members)
      .toEqual(['group:admins@example.org', 'group:callcentre@example.org']);
    // Agencies read identities masked: through the masking policy, never as fine-grained readers.
    expect(policy('identity_initial_masked')?.binding.members).toContain('group:agency-101@example.org');
    expect(plan.routines.find((r) => r.includes('.pseudonym`'))).toMatch(/^CREATE OR REPLACE FUNCTION `acme-data\.factory_access\.pseudonym`\(x STRING\) RETURNS STRING AS \(TO_HEX\(SHA256/);
  });

  it('patches each personal column of a product with its tag', () => {
    const patches = columnTagPatches(ctx, 'customer.customer_profile', (k) => `projects/acme-data/locations/eu/taxonomies/1/policyTags/${k}`);
    const customer = patches.find((p) => p.table === 'customer.customer')!;
    expect(customer.schema.fields.map((f) => [f.name, f.policyTags.names[0]!.split('/').pop()])).toEqual([
      ['FIRST_NAME', 'identity.initial'], ['LAST_NAME', 'identity.initial'], ['BIRTH_DATE_NUM', 'identity.year_number'],
      ['GENDER_CODE', 'identity.initial'], ['BIRTH_DATE', 'identity.year_date'],
    ]);
  });

  it('writes row access policies per agency and one for every other reader', () => {
    const ddl = rowAccessPolicyDdl(ctx, 'booking.bookings', 3, ['101', '102'], options);
    expect(ddl).toContain('CREATE OR REPLACE ROW ACCESS POLICY agency_101 ON `acme-data.published_booking.bookings__booking__v3` '
      + 'GRANT TO ("group:agency-101@example.org") FILTER USING (CAST(`AGENCY_ID` AS STRING) = \'101\')');
    expect(ddl).toContain('CREATE OR REPLACE ROW ACCESS POLICY agency_102 ON `acme-data.published_booking.bookings__booking_line__v3` '
      + 'GRANT TO ("group:agency-102@example.org") FILTER USING (`BOOKING_ID` IN (SELECT t1.`BOOKING_ID` FROM `acme-data.published_booking.bookings__booking` AS t1 '
      + 'WHERE CAST(t1.`AGENCY_ID` AS STRING) = \'102\'))');
    const allRows = ddl.find((d) => d.startsWith('CREATE OR REPLACE ROW ACCESS POLICY all_rows ON `acme-data.published_booking.bookings__booking__v3`'))!;
    expect(allRows).toContain('"group:analysts@example.org"');
    expect(allRows).toContain('"group:dpo-booking@example.org"');
    expect(allRows).not.toContain('agency');
    expect(allRows.endsWith('FILTER USING (TRUE)')).toBe(true);
  });

  it('builds authorized secured views per role dataset, and the access entries of the published datasets', () => {
    const { views, authorizations } = bigQuerySecuredViews(ctx, 'customer.customer_profile', [parseAccessRole('analyst', ['customer'])], 'acme-data', key);
    const customer = views.find((v) => v.view === 'customer__customer_profile__customer')!;
    expect(customer.dataset).toBe('access_analyst');
    expect(customer.ddl).toMatch(/^CREATE OR REPLACE VIEW `acme-data\.access_analyst\.customer__customer_profile__customer` AS SELECT `CUSTOMER_ID`, `TITLE_CODE`, TO_HEX\(SHA256/);
    expect(views.find((v) => v.view === 'customer__customer_profile__customer_preference')!.columns).not.toContain('DIETARY_NOTE');
    expect(authorizations).toEqual([{ dataset: 'published_customer', access: views.map((v) => ({ view: { projectId: 'acme-data', datasetId: 'access_analyst', tableId: v.view } })) }]);
  });
});

import { createEnvelope, DoseRecorded, type DoseRecordPayload } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../testing.js';

const dose = (): DoseRecordPayload => ({
  doseRecordId: '11111111-1111-4111-8111-111111111111',
  personId: '22222222-2222-4222-8222-222222222222',
  nikHash: null,
  programme: 'COVID19',
  doseKind: 'BOOSTER_1',
  antigen: 'COVID19',
  doseNumber: 3,
  productCode: 'PFIZER',
  lotNumber: 'L-1',
  facilityId: '6f1c2a10-0000-4000-8000-000000000002',
  administeredAt: '2026-11-20T02:00:00.000Z',
  appointmentId: null,
  slipCode: null,
  valid: true,
  residenceKelurahanCode: '33.74.01.1001',
  birthDate: '1990-01-01',
  sex: 'MALE',
});

describe('failed deliveries are visible to admins and replayable through the gateway', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform('evadmin', { background: false });
  });
  afterAll(async () => platform?.close());

  test('an event of an unknown version is dead-lettered, listed, counted on /ready, and a retry that still fails says why', async () => {
    const unknown = { ...createEnvelope(DoseRecorded, 'immunization', 'p-1', dose()), version: 99 };
    const next = createEnvelope(DoseRecorded, 'immunization', 'p-2', { ...dose(), doseRecordId: '33333333-3333-4333-8333-333333333333' });
    await platform.services.reporting.runtime.events.transport.append([unknown, next]);
    for (const consumer of platform.services.reporting.runtime.events.consumers) await consumer.drain();

    const admin = await platform.token({ role: 'admin', sub: 'admin-1' });
    const listed = await gql<{
      reportingFailedDeliveries: { id: string; consumer: string; type: string; version: number; error: string }[];
    }>(platform.gatewayUrl, `{ reportingFailedDeliveries { id consumer type version error } }`, {}, { token: admin });
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.reportingFailedDeliveries).toEqual([
      expect.objectContaining({
        consumer: 'reporting.coverage',
        type: 'dose.recorded',
        version: 99,
        error: 'no handler for dose.recorded version 99',
      }),
    ]);

    const ready = (await (await fetch(new URL('/ready', platform.services.reporting.url))).json()) as {
      checks: { events: { consumers: { consumer: string; deadLetters: number; lag: number }[] } };
    };
    expect(ready.checks.events.consumers.find((c) => c.consumer === 'reporting.coverage')).toMatchObject({ deadLetters: 1, lag: 0 });

    const retry = await gql(
      platform.gatewayUrl,
      `mutation($id: ID!) { retryReportingDelivery(id: $id) { id resolvedAt } }`,
      { id: listed.data!.reportingFailedDeliveries[0]!.id },
      { token: admin },
    );
    expect(retry.errors![0]!.extensions).toMatchObject({
      code: 'CONFLICT',
      messageEn: 'The event still fails: no handler for dose.recorded version 99',
    });

    const partner = await platform.token({ role: 'partner', sub: 'opd-1' });
    const refused = await gql(platform.gatewayUrl, `{ reportingFailedDeliveries { id } }`, {}, { token: partner });
    expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});

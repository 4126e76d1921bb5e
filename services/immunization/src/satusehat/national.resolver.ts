import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { ImmunizationContext } from '../context.js';
import { facilityRef } from '../external/facility.stub.js';
import { toDeliveries } from '../modules/dose/dose.mapper.js';
import {
  DeliveryState,
  NationalBacklogGroup,
  NationalBacklogReason,
  NationalDelivery,
  NationalTarget,
  PractitionerIdentity,
} from '../modules/dose/dose.type.js';
import { deliveryBacklog, registerPractitionerNik, retryDelivery } from './national.service.js';

/** The desk's and the health office's handles on national delivery (SATUSEHAT, BPJS PCare). */
@Resolver()
export class NationalDeliveryResolver {
  @Mutation(() => [NationalDelivery], {
    description:
      'Sends a record that waits for a fix again (after correcting the NIK, registering ids, confirming a code); health workers of the recording facility, or admins',
  })
  async retryNationalDelivery(
    @Ctx() ctx: ImmunizationContext,
    @Arg('doseRecordId', () => ID) doseRecordId: string,
    @Arg('target', () => NationalTarget, { nullable: true, description: 'One target, or every target that waits' })
    target?: NationalTarget | null,
  ): Promise<NationalDelivery[]> {
    const { record, rows } = await retryDelivery(ctx.em, ctx.request.claims, doseRecordId, target ?? null);
    return toDeliveries(record, rows);
  }

  @Mutation(() => PractitionerIdentity, {
    description: "Admins: a health worker's NIK, by which the IHS Practitioner id is looked up for SATUSEHAT (staff accounts carry none)",
  })
  async registerPractitionerNik(
    @Ctx() ctx: ImmunizationContext,
    @Arg('accountId', () => ID) accountId: string,
    @Arg('nik', () => String) nik: string,
  ): Promise<PractitionerIdentity> {
    const row = await registerPractitionerNik(ctx.em, ctx.request.claims, ctx.vault, accountId, nik);
    return Object.assign(new PractitionerIdentity(), {
      accountId: row.accountId,
      ihsPractitionerId: row.ihsId,
      lookedUpAt: row.lookedUpAt ? row.lookedUpAt.toISOString() : null,
    });
  }

  @Query(() => [NationalBacklogGroup], {
    description: 'Admins (health office): dose records not yet in a national system, by target, facility and reason',
  })
  async nationalDeliveryBacklog(
    @Ctx() ctx: ImmunizationContext,
    @Arg('target', () => NationalTarget, { nullable: true }) target?: NationalTarget | null,
    @Arg('facilityId', () => ID, { nullable: true }) facilityId?: string | null,
    @Arg('reason', () => NationalBacklogReason, { nullable: true }) reason?: NationalBacklogReason | null,
  ): Promise<NationalBacklogGroup[]> {
    const rows = await deliveryBacklog(ctx.em, ctx.request.claims, {
      target: target ?? null,
      facilityId: facilityId ?? null,
      reason: reason ?? null,
    });
    return rows.map((r) =>
      Object.assign(new NationalBacklogGroup(), {
        target: NationalTarget[r.target],
        facility: r.facilityId ? facilityRef(r.facilityId) : null,
        state: DeliveryState[r.status],
        reason: r.reason,
        records: r.records,
        oldestQueuedAt: r.oldest.toISOString(),
      }),
    );
  }
}

import type { VaccineProductEntity } from './product.entity.js';
import { VaccineProduct } from './product.type.js';

export function toProduct(e: VaccineProductEntity): VaccineProduct {
  return Object.assign(new VaccineProduct(), {
    ...e,
    maxAgeMonths: e.maxAgeMonths ?? undefined,
    openVialHours: e.openVialHours ?? undefined,
    kfaCode: e.kfaCode ?? undefined,
    cvxCode: e.cvxCode ?? undefined,
  });
}

import { DeclaredDoseResolver } from './modules/declared/declared.resolver.js';
import { buildFederatedSchema, createEventAdminResolver } from '@victori/shared';
import { CertificateResolver } from './modules/certificate/certificate.resolver.js';
import { DoseResolver } from './modules/dose/dose.resolver.js';
import { ForecastResolver } from './modules/forecast/forecast.resolver.js';
import { DueResolver } from './modules/due/due.resolver.js';
import { personReference } from './modules/person/person.reference.js';
import { PersonResolver } from './modules/person/person.resolver.js';
import { NationalDeliveryResolver } from './satusehat/national.resolver.js';
import { DeliveryHealthResolver } from './satusehat/delivery-health.resolver.js';

export function buildImmunizationSchema() {
  return buildFederatedSchema(
    {
      resolvers: [
        ...createEventAdminResolver('immunization'),
        PersonResolver,
        DoseResolver,
        ForecastResolver,
        DueResolver,
        DeclaredDoseResolver,
        NationalDeliveryResolver,
        DeliveryHealthResolver,
        CertificateResolver,
      ],
    },
    { ...personReference },
  );
}

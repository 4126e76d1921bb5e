import { DeclaredDoseResolver } from './modules/declared/declared.resolver.js';
import { buildFederatedSchema, createEventAdminResolver } from '@victori/shared';
import { CertificateResolver } from './modules/certificate/certificate.resolver.js';
import { DoseResolver } from './modules/dose/dose.resolver.js';
import { ForecastResolver } from './modules/forecast/forecast.resolver.js';
import { AppointmentPerson, appointmentReference, AppointmentPersonResolver } from './modules/person/appointment-person.js';
import { personReference } from './modules/person/person.reference.js';
import { PersonResolver } from './modules/person/person.resolver.js';
import { DeliveryHealthResolver } from './satusehat/delivery-health.resolver.js';

export function buildImmunizationSchema() {
  return buildFederatedSchema(
    {
      resolvers: [
        createEventAdminResolver('immunization'),
        PersonResolver,
        DoseResolver,
        ForecastResolver,
        DeclaredDoseResolver,
        DeliveryHealthResolver,
        CertificateResolver,
        AppointmentPersonResolver,
      ],
      // Only reached through booking's Appointment, never returned by a field of this subgraph.
      orphanedTypes: [AppointmentPerson],
    },
    { ...personReference, ...appointmentReference },
  );
}

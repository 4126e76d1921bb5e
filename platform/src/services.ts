import { bookingService } from '@victori/booking/service';
import { immunizationService } from '@victori/immunization/service';
import { inventoryService } from '@victori/inventory/service';
import { reportingService } from '@victori/reporting/service';
import { identityService } from '@victori/identity/service';
import { feedbackService } from '@victori/feedback/service';
import type { BaseContext, ServiceDefinition, ServiceName } from '@victori/shared';

/** Every subgraph of the platform, in start order. */
export const SERVICE_DEFINITIONS: Record<ServiceName, ServiceDefinition<BaseContext>> = {
  reporting: reportingService as unknown as ServiceDefinition<BaseContext>,
  booking: bookingService as unknown as ServiceDefinition<BaseContext>,
  inventory: inventoryService as unknown as ServiceDefinition<BaseContext>,
  immunization: immunizationService as unknown as ServiceDefinition<BaseContext>,
  identity: identityService as unknown as ServiceDefinition<BaseContext>,
  feedback: feedbackService as unknown as ServiceDefinition<BaseContext>,
};

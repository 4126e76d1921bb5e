import type { BaseContext } from '@victori/shared';

export type ImmunizationContext = BaseContext;

export function createContext(base: BaseContext): ImmunizationContext {
  return base;
}

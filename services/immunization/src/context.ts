import { PiiVault, type BaseContext, type ServiceRuntime } from '@victori/shared';
import { immunizationSettings, type ImmunizationSettings } from './config.js';
import { createLoaders, type Loaders } from './loaders/loaders.js';

export interface ImmunizationContext extends BaseContext {
  vault: PiiVault;
  settings: ImmunizationSettings;
  loaders: Loaders;
}

const vaults = new WeakMap<object, PiiVault>();
export function vaultFor(runtime: ServiceRuntime): PiiVault {
  let vault = vaults.get(runtime.config);
  if (!vault) {
    vault = new PiiVault(runtime.config.piiKey);
    vaults.set(runtime.config, vault);
  }
  return vault;
}

/** The only place that builds per-request loaders. */
export function createContext(base: BaseContext, runtime: ServiceRuntime): ImmunizationContext {
  return {
    ...base,
    vault: vaultFor(runtime),
    settings: immunizationSettings(runtime.config),
    loaders: createLoaders(base.em, base.request.claims),
  };
}

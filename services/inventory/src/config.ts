import { ConfigError, Env, type ServiceConfig, isUuid } from '@victori/shared';

export interface InventoryConfig {
  /** The city vaccine store (Gudang Farmasi Kota) that receives every delivery. */
  cityStoreFacilityId: string;
  /** Days of administrations the "recent daily use rate" of the public board averages over. */
  useRateDays: number;
  /** How often opened vials past their limit and expired lots are written off. */
  maintenanceIntervalMs: number;
  /** Calendar days (expiry, stock-out days) are counted in this time zone. */
  timeZone: string;
}

export function loadInventoryConfig(env = new Env()): InventoryConfig {
  const cityStoreFacilityId = env.string('INVENTORY_CITY_STORE_ID', '6f1c2a10-0000-4000-8000-000000000001');
  if (!isUuid(cityStoreFacilityId)) throw new ConfigError('INVENTORY_CITY_STORE_ID', 'must be a facility id (UUID)');
  const timeZone = env.string('INVENTORY_TIME_ZONE', 'Asia/Jakarta');
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new ConfigError('INVENTORY_TIME_ZONE', `must be an IANA time zone, got "${timeZone}"`);
  }
  return {
    cityStoreFacilityId,
    useRateDays: env.int('INVENTORY_USE_RATE_DAYS', 28, 1, 365),
    maintenanceIntervalMs: env.int('INVENTORY_MAINTENANCE_INTERVAL_MS', 60_000, 1_000, 86_400_000),
    timeZone,
  };
}

const cache = new WeakMap<ServiceConfig, InventoryConfig>();
/** Inventory's settings from the environment the service config was read from (read once per running service). */
export function inventorySettings(config: ServiceConfig): InventoryConfig {
  let settings = cache.get(config);
  if (!settings) {
    settings = loadInventoryConfig(config.env ?? new Env());
    cache.set(config, settings);
  }
  return settings;
}

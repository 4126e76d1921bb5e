// In memory per identity instance (the per-phone limits live in the database): the shared fixed-window counter.
export { RateLimiter } from '@victori/shared';

import { Client, fetchExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { auth } from './auth.js';
import { overloadRetryingFetch, type OverloadNotice } from './overload.js';
import { persistedFetch } from './persisted.js';

type NoticeListener = (notice: OverloadNotice) => void;
const noticeListeners = new Set<NoticeListener>();
export const onOverload = (listener: NoticeListener): (() => void) => {
  noticeListeners.add(listener);
  return () => noticeListeners.delete(listener);
};

/** A fresh key for one submission; the same key goes with every automatic retry of it. */
export const newIdempotencyKey = (): string => crypto.randomUUID();
export const idempotent = (key: string): { fetchOptions: RequestInit } => {
  // A context's fetchOptions replace the client's, so the token goes along here too.
  const token = auth.token();
  return { fetchOptions: { headers: { 'idempotency-key': key, ...(token ? { authorization: `Bearer ${token}` } : {}) } } };
};

export function createClient(): Client {
  return new Client({
    url: '/graphql',
    // Graphcache normalises by key, so a booking or cancellation updates every view of the same slot and
    // session at once without a refetch storm; types without an id get their natural key or none.
    exchanges: [
      cacheExchange({
        keys: {
          Area: (a) => (a.code as string) ?? null,
          VaccineProduct: (p) => (p.code as string) ?? null,
          OpeningHours: () => null,
          FacilityStock: () => null,
          SessionConnection: () => null,
          SessionEdge: () => null,
          PageInfo: () => null,
          // The same session is due for each child with that child's own doses: embedded, never shared.
          DueSession: () => null,
          DoseForecast: () => null,
          ImmunizationForecast: () => null,
          NationalDelivery: (d) =>
            d.doseRecordId && d.target ? `${d.doseRecordId as string}:${d.target as string}` : ((d.doseRecordId as string) ?? null),
          SignInCodeRequest: () => null,
          // Feedback (complaints, FAQ, survey): categories and elements by code; the rest belongs to its parent.
          ComplaintCategory: (c) => (c.code as string) ?? null,
          ComplaintStep: () => null,
          SkmElement: (e) => (e.code as string) ?? null,
          SurveyReceipt: () => null,
          AuthSession: () => null,
          // Dead-letter ids are per service: the same id from two services is two deliveries.
          FailedDelivery: (d) => (d.service && d.id ? `${d.service as string}:${d.id as string}` : null),
        },
      }),
      fetchExchange,
    ],
    // Hashes only (persisted.ts), each attempt retried by itself while the edge refuses for overload.
    fetch: persistedFetch(
      overloadRetryingFetch(
        (input, init) => fetch(input, init),
        (notice) => {
          for (const l of noticeListeners) l(notice);
        },
      ),
    ),
    fetchOptions: () => {
      const token = auth.token();
      return token ? { headers: { authorization: `Bearer ${token}` } } : {};
    },
    // POST only: a GET would carry the whole document in the URL, not the hash.
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
  });
}

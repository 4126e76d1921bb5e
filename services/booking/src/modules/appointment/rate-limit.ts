import { AppError, ErrorCode } from '@victori/shared';

export { RateLimiter } from '@victori/shared';

export const rateLimited = (field: 'nik' | 'client', retryAfterSeconds: number): AppError =>
  new AppError(
    ErrorCode.RATE_LIMITED,
    field === 'nik'
      ? {
          id: `Terlalu banyak percobaan untuk NIK ini; coba lagi dalam ${retryAfterSeconds} detik`,
          en: `Too many attempts for this NIK; try again in ${retryAfterSeconds} seconds`,
        }
      : {
          id: `Terlalu banyak permintaan dari alamat ini; coba lagi dalam ${retryAfterSeconds} detik`,
          en: `Too many requests from this address; try again in ${retryAfterSeconds} seconds`,
        },
    { field, retryAfterSeconds },
  );

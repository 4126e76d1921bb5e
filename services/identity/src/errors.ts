import { AppError, ErrorCode, badInput } from '@victori/shared';

/** Identity's typed errors. None of them names the phone, the code or the username that was given. */
export const invalidPhone = (): AppError =>
  badInput('phone', {
    id: 'Nomor HP tidak valid; gunakan nomor seluler Indonesia, misalnya 0812xxxxxxx',
    en: 'Invalid phone number; use an Indonesian mobile number such as 0812xxxxxxx',
  });

export const resendTooSoon = (retryAfterSeconds: number): AppError =>
  new AppError(
    ErrorCode.RATE_LIMITED,
    {
      id: `Kode sudah dikirim; minta kode baru setelah ${retryAfterSeconds} detik`,
      en: `A code was sent already; ask for a new one in ${retryAfterSeconds} seconds`,
    },
    { field: 'phone', retryAfterSeconds },
  );

export const tooManyFromClient = (retryAfterSeconds: number): AppError =>
  new AppError(
    ErrorCode.RATE_LIMITED,
    {
      id: `Terlalu banyak permintaan dari alamat ini; coba lagi dalam ${retryAfterSeconds} detik`,
      en: `Too many requests from this address; try again in ${retryAfterSeconds} seconds`,
    },
    { field: 'client', retryAfterSeconds },
  );

export const wrongCode = (attemptsLeft: number): AppError =>
  badInput(
    'code',
    { id: `Kode salah; sisa ${attemptsLeft} kali percobaan`, en: `Wrong code; ${attemptsLeft} attempts left` },
    { attemptsLeft },
  );

export const malformedCode = (): AppError => badInput('code', { id: 'Kode terdiri dari 6 angka', en: 'The code has 6 digits' });

export const codeExpired = (): AppError =>
  new AppError(
    ErrorCode.CODE_EXPIRED,
    { id: 'Kode tidak berlaku atau kedaluwarsa; minta kode baru', en: 'The code is not valid or has expired; ask for a new one' },
    { field: 'code' },
  );

export const codeLocked = (retryAfterSeconds: number): AppError =>
  new AppError(
    ErrorCode.TOO_MANY_ATTEMPTS,
    {
      id: `Terlalu banyak kode salah; coba lagi dalam ${Math.ceil(retryAfterSeconds / 60)} menit`,
      en: `Too many wrong codes; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
    },
    { field: 'code', retryAfterSeconds },
  );

export const invalidCredentials = (): AppError =>
  new AppError(
    ErrorCode.INVALID_CREDENTIALS,
    { id: 'Nama pengguna atau kata sandi salah', en: 'Wrong username or password' },
    { field: 'password' },
  );

export const tooManyPasswordTries = (retryAfterSeconds: number): AppError =>
  new AppError(
    ErrorCode.RATE_LIMITED,
    {
      id: `Terlalu banyak percobaan masuk; coba lagi dalam ${retryAfterSeconds} detik`,
      en: `Too many sign-in attempts; try again in ${retryAfterSeconds} seconds`,
    },
    { field: 'username', retryAfterSeconds },
  );

export const totpRequired = (): AppError =>
  new AppError(
    ErrorCode.TOTP_REQUIRED,
    { id: 'Masukkan kode dari aplikasi autentikator', en: 'Enter the code from your authenticator app' },
    { field: 'totpCode' },
  );

export const wrongTotp = (field = 'totpCode'): AppError =>
  badInput(field, { id: 'Kode autentikator salah', en: 'Wrong authenticator code' });

export const invalidRefreshToken = (): AppError =>
  new AppError(
    ErrorCode.UNAUTHENTICATED,
    { id: 'Sesi berakhir; silakan masuk lagi', en: 'The session has ended; please sign in again' },
    { field: 'refreshToken' },
  );

export const smsUnavailable = (): AppError =>
  new AppError(ErrorCode.UNAVAILABLE, {
    id: 'SMS tidak dapat dikirim saat ini; coba lagi sebentar lagi',
    en: 'The SMS could not be sent right now; try again shortly',
  });

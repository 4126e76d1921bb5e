import { makeNik } from '@victori/shared';

const DISTRICTS = ['337401', '337402', '337403', '337404', '337405', '337406', '337407', '337408', '337409', '337410'];

/** A name made of letters only (names with digits are refused): 0 -> "Aa", 27 -> "Bb"… */
function letters(n: number): string {
  let out = '';
  let v = n;
  do {
    out = String.fromCharCode(97 + (v % 26)) + out;
    v = Math.floor(v / 26);
  } while (v > 0);
  return out.charAt(0).toUpperCase() + out.slice(1) + 'wati';
}

/** The n-th storm citizen: a distinct, structurally valid NIK (real Semarang district codes) and an adult. */
export function stormPerson(n: number): {
  nik: string;
  fullName: string;
  birthDate: string;
  sex: 'MALE' | 'FEMALE';
  phone: string;
  residenceKelurahanCode: string;
} {
  const district = DISTRICTS[n % DISTRICTS.length]!;
  const birthDate = `${1950 + (n % 50)}-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`;
  const sex = n % 2 === 0 ? 'MALE' : 'FEMALE';
  return {
    nik: makeNik(district, birthDate, sex, 1 + (Math.floor(n / DISTRICTS.length) % 9999)),
    fullName: `Warga ${letters(n)}`,
    birthDate,
    sex,
    phone: `08${String(1_000_000_000 + n).slice(-10)}`,
    residenceKelurahanCode: '33.74.01.1001',
  };
}

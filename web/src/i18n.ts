import i18next from 'i18next';
import en from './locales/en.json';
import id from './locales/id.json';
import certsEn from './locales/certs.en.json';
import certsId from './locales/certs.id.json';

const STORAGE_KEY = 'victori.lang';

/** Indonesian unless the user chose English on this device before. */
export function initialLanguage(): 'id' | 'en' {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'id';
  } catch {
    return 'id';
  }
}

export const i18n = i18next.createInstance();
void i18n.init({
  lng: initialLanguage(),
  fallbackLng: 'id',
  resources: { id: { translation: { ...id, certs: certsId } }, en: { translation: { ...en, certs: certsEn } } },
  interpolation: { escapeValue: false },
  initAsync: false,
});

export function setLanguage(lang: 'id' | 'en'): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

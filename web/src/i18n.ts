import i18next from 'i18next';
import en from './locales/en.json';
import id from './locales/id.json';

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
  resources: { id: { translation: id }, en: { translation: en } },
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

/** The staff board's strings (locales/board.*.json), loaded with its chunk so the citizens' entry does not carry them. */
export async function loadBoardStrings(): Promise<void> {
  const [boardId, boardEn] = await Promise.all([import('./locales/board.id.json'), import('./locales/board.en.json')]);
  i18n.addResourceBundle('id', 'translation', boardId.default, true, false);
  i18n.addResourceBundle('en', 'translation', boardEn.default, true, false);
}

/** Certificates' and the verifier's strings (locales/certs.*.json, under `certs.`), loaded with their chunk. */
export async function loadCertsStrings(): Promise<void> {
  const [certsId, certsEn] = await Promise.all([import('./locales/certs.id.json'), import('./locales/certs.en.json')]);
  i18n.addResourceBundle('id', 'translation', { certs: certsId.default }, true, false);
  i18n.addResourceBundle('en', 'translation', { certs: certsEn.default }, true, false);
}

/** The health-worker desk's strings (issue 19), loaded with the desk's own chunk so the citizens' entry stays as it was. */
export async function loadDeskStrings(): Promise<void> {
  const [deskId, deskEn] = await Promise.all([import('./locales/desk.id.json'), import('./locales/desk.en.json')]);
  i18n.addResourceBundle('id', 'translation', { desk: deskId.default }, true, true);
  i18n.addResourceBundle('en', 'translation', { desk: deskEn.default }, true, true);
}

/** The feedback pages' strings (issue 17 item 4: complaints, FAQ, survey; locales/feedback.*.json, under `feedback.`), with their chunk. */
export async function loadFeedbackStrings(): Promise<void> {
  const [fbId, fbEn] = await Promise.all([import('./locales/feedback.id.json'), import('./locales/feedback.en.json')]);
  i18n.addResourceBundle('id', 'translation', { feedback: fbId.default }, true, true);
  i18n.addResourceBundle('en', 'translation', { feedback: fbEn.default }, true, true);
}

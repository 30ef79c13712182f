import { h } from '../lib/dom.js';
import { en } from './en.js';
import { fr } from './fr.js';

/** Every string of the pages lives in one dictionary per language: fr.ts (the default) and en.ts. */
export type Key = keyof typeof fr;
export type Lang = 'fr' | 'en';
export const LANGS: readonly Lang[] = ['fr', 'en'];

const DICTS: Record<Lang, Record<Key, string>> = { fr, en };
const STORAGE_KEY = 'mf-lang';
const listeners = new Set<(lang: Lang) => void>();

function stored(): Lang {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'en' || value === 'fr' ? value : 'fr';
  } catch {
    return 'fr'; // storage refused (private mode): French, the default
  }
}

let current: Lang = stored();

export function lang(): Lang {
  return current;
}

/** The BCP 47 locale for Intl formatting. */
export function locale(): string {
  return current === 'fr' ? 'fr-FR' : 'en-GB';
}

/** The string of `key`, with `{name}` placeholders replaced. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  const text = DICTS[current][key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Plural forms: `${base}.one` or `${base}.other`, as the language's rules choose for `n` (French counts 0 as one). */
export function tn(base: 'occupancy.now' | 'public.seats', n: number, params: Record<string, string | number> = {}): string {
  const form = new Intl.PluralRules(locale()).select(n) === 'one' ? 'one' : 'other';
  return t(`${base}.${form}`, { n, ...params });
}

/** For keys built from data (an access reason, a zone kind): the translation, or `fallback` when the dictionary has none. */
export function tOr(key: string, fallback: string, params: Record<string, string | number> = {}): string {
  return key in DICTS[current] ? t(key as Key, params) : fallback;
}

/** Translates the static markup: `data-i18n` (text), `data-i18n-placeholder`, `data-i18n-aria-label`, `data-i18n-title`. */
export function translateStatic(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = tOr(el.dataset.i18n ?? '', el.textContent ?? '');
  for (const attr of ['placeholder', 'aria-label', 'title'] as const) {
    for (const el of root.querySelectorAll<HTMLElement>(`[data-i18n-${attr}]`)) {
      const key = el.getAttribute(`data-i18n-${attr}`) ?? '';
      el.setAttribute(attr, tOr(key, el.getAttribute(attr) ?? ''));
    }
  }
  if (root === document) {
    document.documentElement.lang = current;
    const titleKey = document.documentElement.dataset.titleKey;
    if (titleKey !== undefined) document.title = tOr(titleKey, document.title);
  }
}

export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not kept across reloads: nothing else to do
  }
  translateStatic();
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn: (lang: Lang) => void): void {
  listeners.add(fn);
}

/** The FR | EN switch: two buttons, the current one pressed. */
export function languageSwitch(): HTMLElement {
  const buttons = LANGS.map((l) => h('button', {
    type: 'button', class: 'lang-btn', 'data-lang': l, lang: l, 'aria-pressed': String(l === current),
    onclick: () => setLang(l),
  }, l.toUpperCase()));
  onLangChange((l) => {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.lang === l));
  });
  return h('div', { class: 'lang-switch', role: 'group', 'data-i18n-aria-label': 'lang.label', 'aria-label': t('lang.label') }, ...buttons);
}

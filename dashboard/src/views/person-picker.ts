import { t } from '../i18n/index.js';
import type { PersonSummary } from '../lib/bookings.js';
import { fill, h } from '../lib/dom.js';

export interface PersonPickerOptions {
  /** Prefix of the element ids (`${id}-search`, `${id}-results`, `${id}-chosen`). */
  id: string;
  label: string;
  placeholder: string;
  /** Several people (guests) or one (the holder). */
  multiple: boolean;
  /** Shown while nobody is chosen (single picker): "myself". */
  emptyText?: string;
  search(q: string): Promise<PersonSummary[]>;
}

const SEARCH_DELAY_MS = 200; // typing pauses this long before the people are searched

/** A person search field (staff): type part of a name, pick from the matches; the picked ones show as removable chips. */
export class PersonPicker {
  readonly el: HTMLElement;
  readonly #input: HTMLInputElement;
  readonly #results = h('ul', { class: 'pp-results', role: 'listbox' });
  readonly #chosenEl: HTMLElement;
  #chosen: PersonSummary[] = [];
  #timer: number | undefined;
  #query = 0;

  constructor(private readonly o: PersonPickerOptions) {
    this.#input = h('input', { type: 'search', id: `${o.id}-search`, placeholder: o.placeholder, autocomplete: 'off', maxlength: 100 });
    this.#results.id = `${o.id}-results`;
    this.#chosenEl = h('div', { class: 'pp-chosen', id: `${o.id}-chosen` });
    this.#input.addEventListener('input', () => {
      window.clearTimeout(this.#timer);
      this.#timer = window.setTimeout(() => void this.#search(), SEARCH_DELAY_MS);
    });
    this.el = h('div', { class: 'pp', 'data-picker': o.id },
      h('label', { for: `${o.id}-search` }, o.label), this.#chosenEl, this.#input, this.#results);
    this.#drawChosen();
  }

  get chosen(): readonly PersonSummary[] {
    return this.#chosen;
  }

  async #search(): Promise<void> {
    const q = this.#input.value.trim();
    const mine = ++this.#query;
    if (q === '') {
      fill(this.#results);
      return;
    }
    let found: PersonSummary[];
    try {
      found = await this.o.search(q);
    } catch {
      found = [];
    }
    if (mine !== this.#query) return; // a later search answers instead
    const taken = new Set(this.#chosen.map((p) => p.id));
    const offered = found.filter((p) => !taken.has(p.id));
    if (offered.length === 0) {
      fill(this.#results, h('li', { class: 'none' }, t('bookings.noMatch')));
      return;
    }
    fill(this.#results, ...offered.map((p) => h('li', {},
      h('button', { type: 'button', class: 'link pp-option', 'data-person': p.id, onclick: () => this.#pick(p) },
        p.name, p.companyName === null ? null : h('small', {}, ` (${p.companyName})`)))));
  }

  #pick(p: PersonSummary): void {
    this.#chosen = this.o.multiple ? [...this.#chosen, p] : [p];
    this.#input.value = '';
    fill(this.#results);
    this.#drawChosen();
  }

  #drawChosen(): void {
    if (this.#chosen.length === 0) {
      fill(this.#chosenEl, this.o.emptyText === undefined ? null : h('span', { class: 'hint' }, this.o.emptyText));
      return;
    }
    fill(this.#chosenEl, ...this.#chosen.map((p) => h('span', { class: 'chip', 'data-person': p.id },
      p.name,
      h('button', {
        type: 'button', class: 'link chip-remove', 'aria-label': t('bookings.remove', { name: p.name }), title: t('bookings.remove', { name: p.name }),
        onclick: () => {
          this.#chosen = this.#chosen.filter((x) => x.id !== p.id);
          this.#drawChosen();
        },
      }, '×'))));
  }
}

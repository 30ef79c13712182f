import type { PublicMessage } from '../../controller/live/messages.js';
import { onLangChange, t } from './i18n/index.js';
import { whoAmI, wsUrl, type Me } from './lib/api.js';
import type { Building } from './lib/building.js';
import { byId, setAttr, setText } from './lib/dom.js';
import { LiveSocket, type LiveStatus } from './lib/live-socket.js';
import { BookingsView } from './views/bookings.js';

/**
 * A member's dashboard: their bookings only. The staff stream is closed to them; the public one
 * (aggregates, no names) tells when a booking changed, and the view fetches the day again.
 */
export class MemberApp {
  readonly #bookings: BookingsView;
  readonly #socket: LiveSocket<PublicMessage>;
  #status: LiveStatus = { state: 'connecting' };
  #running = true;

  constructor(building: Building, private readonly me: Me, private readonly onSessionEnded: () => void) {
    this.#bookings = new BookingsView(building.site.timeZone, me);
    this.#socket = new LiveSocket<PublicMessage>({
      url: wsUrl('/api/live/public'),
      onMessage: (m) => {
        if (m.type === 'snapshot') this.#bookings.refresh();
        else this.#bookings.onLiveEvents((m as { events?: unknown[] }).events ?? []);
      },
      onStatus: (s) => this.#showStatus(s),
      onClose: async () => {
        if (!this.#running) return false;
        if (await whoAmI() !== null) return true;
        this.onSessionEnded();
        return false;
      },
    });
    onLangChange(() => {
      if (!this.#running) return;
      this.#bookings.render();
      this.#showStatus(this.#status);
    });
  }

  mount(main: HTMLElement): void {
    main.replaceChildren(this.#bookings.el);
    for (const view of ['live', 'report'] as const) byId(`nav-${view}`).hidden = true;
    const nav = byId('nav-bookings');
    nav.hidden = false;
    nav.setAttribute('aria-current', 'true');
    nav.onclick = () => this.#bookings.show();
    byId('nav').hidden = false;
    setText(byId('user'), this.me.username);
    this.#bookings.show();
    this.#socket.start();
  }

  stop(): void {
    this.#running = false;
    this.#socket.stop();
    this.#bookings.stop();
    byId('nav').hidden = true;
    setText(byId('user'), '');
  }

  #showStatus(s: LiveStatus): void {
    this.#status = s;
    const el = byId('status');
    setAttr(el, 'data-state', s.state);
    setText(el, t(`status.${s.state}`));
  }
}

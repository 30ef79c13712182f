import type { StaffMessage, StaffState } from '../../controller/live/messages.js';
import { onLangChange, t, tOr } from './i18n/index.js';
import { whoAmI, wsUrl, type Me } from './lib/api.js';
import type { Building } from './lib/building.js';
import { byId, h, setAttr, setText } from './lib/dom.js';
import { formatTime } from './lib/format.js';
import { LiveSocket, type LiveStatus } from './lib/live-socket.js';
import { StaffStore } from './lib/live-state.js';
import { BookingsView } from './views/bookings.js';
import { LiveFeed } from './views/feed.js';
import { FloorPlan } from './views/floor-plan.js';
import { DeviceHealth } from './views/health.js';
import { OccupancyCurve } from './views/occupancy.js';
import { ReportView } from './views/report.js';
import { ThroughputChart } from './views/throughput.js';

type View = 'live' | 'report' | 'bookings';
const VIEWS: readonly View[] = ['live', 'report', 'bookings'];

/** The managers' dashboard once logged in: the live views fed by the staff stream, the report, and the bookings. */
export class StaffApp {
  readonly #store = new StaffStore();
  readonly #plan: FloorPlan;
  readonly #feed: LiveFeed;
  readonly #health: DeviceHealth;
  readonly #occupancy: OccupancyCurve;
  readonly #throughput: ThroughputChart;
  readonly #report: ReportView;
  readonly #bookings: BookingsView;
  readonly #live = h('div', { class: 'live-grid', id: 'view-live' });
  readonly #socket: LiveSocket<StaffMessage>;
  #status: LiveStatus = { state: 'connecting' };
  #view: View = 'live';
  #running = true;

  constructor(private readonly building: Building, private readonly me: Me, private readonly onSessionEnded: () => void) {
    this.#plan = new FloorPlan(building);
    this.#feed = new LiveFeed(building);
    this.#health = new DeviceHealth(building);
    this.#occupancy = new OccupancyCurve(building);
    this.#throughput = new ThroughputChart(building);
    this.#report = new ReportView(building);
    this.#bookings = new BookingsView(building.site.timeZone, me);
    this.#socket = new LiveSocket<StaffMessage>({
      url: wsUrl('/api/live'),
      onMessage: (m) => this.#onMessage(m),
      onStatus: (s) => this.#showStatus(s),
      // A close may mean the session is gone (the upgrade is then refused): ask before retrying.
      onClose: async () => {
        if (!this.#running) return false;
        const still = await whoAmI();
        if (still !== null) return true;
        this.onSessionEnded();
        return false;
      },
    });
    onLangChange(() => {
      if (!this.#running) return;
      for (const v of [this.#plan, this.#feed, this.#health, this.#occupancy, this.#throughput, this.#report, this.#bookings]) v.render();
      this.#showStatus(this.#status);
      this.#emergency(this.#store.state);
    });
  }

  mount(main: HTMLElement): void {
    this.#live.replaceChildren(this.#plan.el, this.#feed.el, this.#health.el, this.#occupancy.el, this.#throughput.el);
    this.#report.el.hidden = true;
    this.#bookings.el.hidden = true;
    main.replaceChildren(this.#live, this.#report.el, this.#bookings.el);
    for (const view of VIEWS) {
      const button = byId(`nav-${view}`);
      button.hidden = false;
      button.onclick = () => this.show(view);
    }
    byId('nav').hidden = false;
    setText(byId('user'), this.me.username);
    this.show('live');
    this.#socket.start();
    this.#occupancy.start();
    this.#occupancy.loadHistory().catch(() => undefined); // the live samples still draw the curve
  }

  show(view: View): void {
    this.#view = view;
    this.#live.hidden = view !== 'live';
    this.#report.el.hidden = view !== 'report';
    this.#bookings.el.hidden = view !== 'bookings';
    for (const v of VIEWS) byId(`nav-${v}`).setAttribute('aria-current', String(v === view));
    if (view === 'report') this.#report.showFirstTime();
    if (view === 'bookings') this.#bookings.show();
    else this.#bookings.hide();
  }

  stop(): void {
    this.#running = false;
    this.#socket.stop();
    this.#occupancy.stop();
    this.#bookings.stop();
    byId('nav').hidden = true;
    setText(byId('user'), '');
  }

  #onMessage(message: StaffMessage): void {
    const applied = this.#store.apply(message);
    const state = this.#store.state;
    if (applied === null || state === null) return;
    // A (re)connection may have missed booking events: the day is fetched again.
    if (applied.snapshot) this.#bookings.refresh();
    else this.#bookings.onLiveEvents(applied.events);
    this.#plan.update(state);
    if (applied.snapshot) this.#feed.reset(state, applied.events);
    else this.#feed.add(state, applied.events, applied.eventsDropped);
    this.#health.update(state);
    this.#occupancy.update(state);
    this.#throughput.update(state);
    this.#emergency(state);
    setAttr(byId('status'), 'title', t('status.updated', { time: formatTime(message.at, this.building.site.timeZone) }));
  }

  #showStatus(s: LiveStatus): void {
    this.#status = s;
    const el = byId('status');
    setAttr(el, 'data-state', s.state);
    setText(el, t(`status.${s.state}`));
  }

  #emergency(state: StaffState | null): void {
    const banner = byId('emergency');
    const mode = state?.emergency.mode ?? 'none';
    banner.hidden = mode === 'none';
    setText(banner, mode === 'none' ? '' : t('emergency.banner', { mode: tOr(`emergency.${mode}`, mode), by: state?.emergency.by ?? '?' }));
  }
}

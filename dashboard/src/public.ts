import type { PublicMessage } from '../../controller/live/messages.js';
import { languageSwitch, onLangChange, t, translateStatic } from './i18n/index.js';
import { wsUrl } from './lib/api.js';
import { loadBuilding, type Building } from './lib/building.js';
import { byId, h, setAttr, setText } from './lib/dom.js';
import { formatTime } from './lib/format.js';
import { LiveSocket, type LiveStatus } from './lib/live-socket.js';
import { PublicStore } from './lib/live-state.js';
import { renderPublic } from './views/public-view.js';

/** The public page: free desks and meeting rooms now, from the public stream. No login, no person. */
const store = new PublicStore();
let building: Building | null = null;
let status: LiveStatus = { state: 'connecting' };

function draw(): void {
  const main = byId('main');
  if (store.state === null) {
    main.replaceChildren(h('p', { class: 'card none' }, t('public.waiting')));
    return;
  }
  renderPublic(main, store.state, building);
  setText(byId('updated'), t('public.updated', { time: formatTime(store.at, building?.site.timeZone ?? 'Europe/Paris') }));
}

function showStatus(s: LiveStatus): void {
  status = s;
  const el = byId('status');
  setAttr(el, 'data-state', s.state);
  setText(el, t(`status.${s.state}`));
}

function boot(): void {
  translateStatic();
  byId('lang').replaceChildren(languageSwitch());
  onLangChange(() => {
    showStatus(status);
    draw();
  });
  draw();
  // The building file only names the floors; the page works without it.
  loadBuilding().then((b) => {
    building = b;
    draw();
  }, () => undefined);
  new LiveSocket<PublicMessage>({
    url: wsUrl('/api/live/public'),
    onMessage: (m) => {
      if (store.apply(m)) draw();
    },
    onStatus: showStatus,
  }).start();
}

boot();

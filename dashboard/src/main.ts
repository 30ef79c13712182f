import { languageSwitch, onLangChange, t, translateStatic } from './i18n/index.js';
import { logout, STAFF_ROLES, whoAmI, type Me } from './lib/api.js';
import { loadBuilding, type Building } from './lib/building.js';
import { byId, h } from './lib/dom.js';
import { MemberApp } from './member-app.js';
import { StaffApp } from './staff-app.js';
import { loginForm } from './views/login.js';

/** The staff page: the login form without a session, the dashboard with one (a member's: their bookings). */
let app: StaffApp | MemberApp | null = null;
let screen: () => void = () => undefined; // redraws what is shown when the language changes

function showLogin(building: Building): void {
  app?.stop();
  app = null;
  byId('logout').hidden = true;
  screen = () => byId('main').replaceChildren(loginForm((me) => start(building, me)));
  screen();
  byId('login-username').focus();
}

function notStaff(me: Me): void {
  screen = () => byId('main').replaceChildren(h('section', { class: 'card', id: 'not-staff' },
    h('h2', {}, t('login.notStaffTitle')), h('p', {}, t('login.notStaff', { user: me.username }))));
  screen();
  byId('logout').hidden = false;
}

function start(building: Building, me: Me): void {
  if (!STAFF_ROLES.has(me.role) && me.role !== 'member') {
    notStaff(me);
    return;
  }
  byId('logout').hidden = false;
  screen = () => undefined; // the app redraws itself
  app = STAFF_ROLES.has(me.role) ? new StaffApp(building, me, () => showLogin(building)) : new MemberApp(building, me, () => showLogin(building));
  app.mount(byId('main'));
}

async function boot(): Promise<void> {
  translateStatic();
  byId('lang').replaceChildren(languageSwitch());
  onLangChange(() => screen());
  const main = byId('main');
  try {
    const [building, me] = await Promise.all([loadBuilding(), whoAmI()]);
    byId('logout').onclick = () => {
      logout().catch(() => undefined).finally(() => showLogin(building));
    };
    if (me === null) showLogin(building);
    else start(building, me);
  } catch (err) {
    main.replaceChildren(h('p', { class: 'card error', role: 'alert' }, t('app.loadFailed', { message: String(err) })));
  }
}

void boot();

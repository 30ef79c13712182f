import { t } from '../i18n/index.js';
import { ApiError, login, type Me } from '../lib/api.js';
import { h } from '../lib/dom.js';

/** The login form: POST /api/auth/login (the browser sends the Origin header the guard checks), which sets the session cookie. */
export function loginForm(onLoggedIn: (me: Me) => void): HTMLElement {
  const username = h('input', { name: 'username', id: 'login-username', autocomplete: 'username', required: true, maxlength: 64 });
  const password = h('input', { name: 'password', id: 'login-password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', id: 'login-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', id: 'login-submit' }, t('login.submit'));
  const form = h('form', { class: 'card login', id: 'login', 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, t('login.title')),
    h('p', { class: 'hint' }, t('login.hint')),
    h('label', { for: 'login-username' }, t('login.username')), username,
    h('label', { for: 'login-password' }, t('login.password')), password,
    error, submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.hidden = true;
    login(username.value.trim(), password.value).then((me) => {
      password.value = '';
      onLoggedIn(me);
    }, (err: unknown) => {
      const status = err instanceof ApiError ? err.status : 0;
      error.textContent = status === 401 ? t('login.invalid') : status === 429 ? t('login.tooMany') : t('login.failed');
      error.hidden = false;
    }).finally(() => {
      submit.disabled = false;
    });
  });
  return form;
}

/* global window, document, fetch, sessionStorage, location, history */
/**
 * The operator console's shell: the token, the API helper, signing in as the admin or a user,
 * and the refresh loop. The admin panels live in admin.js, the chat view in chat.js; both hang
 * off window.mc. Plain DOM, no framework: the page is a handful of tables and one list.
 */
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const mc = (window.mc = { $, token: sessionStorage.getItem('mc-token') || '', role: null });

  /** Calls /api/v1 with the token; throws an Error with `status` and the API's message. */
  mc.api = async (method, path, body) => {
    const res = await fetch('/api/v1' + path, {
      method,
      headers: {
        authorization: 'Bearer ' + mc.token,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) {
      throw Object.assign(new Error(data?.error?.message || res.status + ' ' + res.statusText), {
        status: res.status,
      });
    }
    return data;
  };

  mc.showError = (e) => ($('error').textContent = e ? String(e.message || e) : '');

  /** Element helper: el('td', {className: 'x'}, 'text', child, ...). */
  mc.el = (tag, props, ...children) => {
    const { dataset, ...rest } = props || {};
    const node = Object.assign(document.createElement(tag), rest);
    // dataset is a read-only property: its entries are copied one by one.
    if (dataset) Object.assign(node.dataset, dataset);
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  };

  mc.when = (iso) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? '' : d.toLocaleString([], { hour12: false });
  };

  let timer = null;
  /** The admin's panels refresh by polling: the event stream is for user tokens only. */
  function poll() {
    clearTimeout(timer);
    mc.admin
      .refresh()
      .catch((e) => mc.showError(e))
      .finally(() => (timer = setTimeout(poll, 2000)));
  }

  async function signIn() {
    mc.token = $('token').value.trim() || mc.token;
    $('token').value = '';
    sessionStorage.setItem('mc-token', mc.token);
    mc.showError(null);
    clearTimeout(timer);
    mc.chat.stop();
    try {
      await mc.api('GET', '/status');
      mc.role = 'admin';
      $('who').textContent = 'admin';
      $('admin').hidden = false;
      document.querySelector('main').classList.remove('user');
      // The admin token reads no messages: the chat view says so instead of failing.
      $('send').hidden = true;
      $('log').textContent = 'Messages are read and sent with a user token.';
      poll();
      await mc.chat.loadChannels();
    } catch (e) {
      if (e.status !== 403) return mc.showError(e);
      try {
        const me = await mc.api('GET', '/users/me');
        mc.role = 'user';
        mc.me = me;
        $('who').textContent = 'signed in as ' + me.username;
        $('admin').hidden = true;
        document.querySelector('main').classList.add('user');
        $('send').hidden = false;
        await mc.chat.loadChannels();
        mc.chat.listen();
      } catch (e2) {
        mc.showError(e2);
      }
    }
  }

  window.addEventListener('DOMContentLoaded', () => {
    $('login').onsubmit = (ev) => {
      ev.preventDefault();
      void signIn();
    };
    mc.admin.wire();
    mc.chat.wire();
    // A token in the fragment (#token=…) is taken and removed: fragments never reach the server.
    const fromHash = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (fromHash) {
      mc.token = decodeURIComponent(fromHash[1]);
      history.replaceState(null, '', location.pathname);
    }
    if (mc.token) void signIn();
  });
})();

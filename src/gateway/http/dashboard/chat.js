/* global window, document, fetch, TextDecoder, CSS, AbortController */
/**
 * The chat view: the channel list, a channel's history with Markdown (mcMarkdown, which escapes
 * first), replies, reactions, attachments and day separators, sending, and the live event stream
 * (GET /api/v1/events, read with fetch because EventSource cannot send a token). The stream is
 * reopened after an `overflow`, a close or a network error, with a growing pause, and the open
 * channel is re-read so nothing missed stays missing.
 */
'use strict';

(() => {
  const mc = window.mc;
  const { $, el } = mc;
  let current = null;
  /** id → message JSON of the open channel (for replies, reactions, edits). */
  const shown = new Map();
  let abort = null;
  let retryTimer = null;
  let attempt = 0;

  const day = (iso) =>
    new Date(iso).toLocaleDateString([], {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
    });

  /** Media needs the token, which an <img> cannot send: fetched as a blob, shown by object URL. */
  async function blobUrl(url) {
    const res = await fetch(url, { headers: { authorization: 'Bearer ' + mc.token } });
    if (!res.ok) throw new Error('file ' + res.status);
    return URL.createObjectURL(await res.blob());
  }

  function attachments(m) {
    if (!m.attachments?.length) return null;
    const box = el('div', { className: 'attachments' });
    for (const a of m.attachments) {
      if ((a.mimeType || '').startsWith('image/')) {
        const img = el('img', { alt: a.name, title: a.name });
        blobUrl(a.url).then(
          (u) => (img.src = u),
          () => (img.alt = a.name + ' (not available)'),
        );
        box.append(img);
      } else {
        const link = el('a', { href: '#', textContent: '📎 ' + a.name });
        link.onclick = async (ev) => {
          ev.preventDefault();
          const u = await blobUrl(a.url).catch(mc.showError);
          if (u) Object.assign(el('a', { href: u, download: a.name }), {}).click();
        };
        box.append(
          el(
            'div',
            {},
            link,
            a.size ? el('span', { className: 'muted' }, ' ' + a.size + ' B') : null,
          ),
        );
      }
    }
    return box;
  }

  function render(m) {
    const who = m.sender.username + (m.sender.origin ? ' (' + m.sender.origin.network + ')' : '');
    const body = el('div', { className: 'body' });
    if (m.deleted) body.append(el('span', { className: 'deleted' }, 'message deleted'));
    // Safe: mcMarkdown escapes the whole text before adding its own tags.
    else body.innerHTML = window.mcMarkdown.render(m.text || '');
    let reply = null;
    if (m.replyTo) {
      const to = shown.get(m.replyTo);
      reply = el(
        'div',
        { className: 'reply' },
        '↪ ' +
          (to
            ? to.sender.username + ': ' + (to.text || '').replace(/[*_`~>]/g, '').slice(0, 80)
            : 'reply to an earlier message'),
      );
    }
    const reactions = el('div', { className: 'reactions' });
    for (const [emoji, users] of Object.entries(m.reactions || {})) {
      if (users.length)
        reactions.append(
          el('span', { title: users.length + ' people' }, emoji + ' ' + users.length),
        );
    }
    return el(
      'div',
      { className: 'msg', dataset: { id: m.id, day: day(m.createdAt) } },
      reply,
      el('span', { className: 'who' }, who),
      el(
        'span',
        { className: 'time', title: m.createdAt },
        new Date(m.createdAt).toLocaleTimeString([], {
          hour: '2-digit',
          minute: '2-digit',
          hour12: false,
        }) + (m.editedAt ? ' (edited)' : ''),
      ),
      body,
      attachments(m),
      reactions.childElementCount ? reactions : null,
    );
  }

  function show(m) {
    shown.set(m.id, m);
    const log = $('log');
    const node = render(m);
    const old = log.querySelector('.msg[data-id="' + CSS.escape(m.id) + '"]');
    if (old) return old.replaceWith(node);
    const last = [...log.querySelectorAll('.msg')].at(-1);
    if (!last || last.dataset.day !== node.dataset.day)
      log.append(el('div', { className: 'day' }, node.dataset.day));
    log.append(node);
    log.scrollTop = log.scrollHeight;
  }

  async function openChannel(ch) {
    current = ch;
    $('title').textContent = '#' + ch.name + (ch.topic ? ' — ' + ch.topic : '');
    document
      .querySelectorAll('#channel-list li')
      .forEach((li) => li.classList.toggle('active', li.dataset.id === ch.id));
    $('log').textContent = '';
    shown.clear();
    if (mc.role === 'admin') {
      $('log').append(
        el('p', { className: 'muted' }, 'Messages are read and sent with a user token.'),
      );
      return;
    }
    try {
      const { messages } = await mc.api('GET', '/channels/' + ch.id + '/messages?limit=100');
      messages.forEach(show);
      mc.showError(null);
    } catch (e) {
      mc.showError(e);
    }
  }

  async function loadChannels() {
    const { channels } = await mc.api('GET', '/channels');
    const list = $('channel-list');
    list.textContent = '';
    const count = new Map();
    for (const ch of channels) count.set(ch.name, (count.get(ch.name) || 0) + 1);
    for (const ch of channels) {
      // Two channels may share a name: the start of the id tells them apart.
      const name = '#' + ch.name + (count.get(ch.name) > 1 ? ' (' + ch.id.slice(0, 6) + ')' : '');
      const li = el('li', { dataset: { id: ch.id, name: ch.name } }, name);
      li.append(
        el(
          'span',
          { className: 'muted' },
          ' ' + ch.memberCount + (mc.role === 'user' && !ch.role ? ' · not joined' : ''),
        ),
      );
      // 🔒 encrypted; ⇄ bridged by this gateway, which then decrypts it to deliver.
      if (ch.encrypted) {
        li.append(
          el(
            'span',
            {
              className: ch.bridged ? 'e2ee bridged' : 'e2ee',
              title: ch.bridged
                ? 'end-to-end encrypted and bridged: this gateway decrypts it, its operator can read it'
                : 'end-to-end encrypted',
            },
            ch.bridged ? ' 🔒⇄' : ' 🔒',
          ),
        );
      }
      li.onclick = () => openChannel(ch);
      list.append(li);
    }
    const mine = channels.find((ch) => ch.role && ch.role !== 'banned');
    if (!current && mine && mc.role === 'user') await openChannel(mine);
  }

  function onEvent(event, payload) {
    if (!current) return;
    if ((event === 'message' || event === 'edit') && payload.channel === current.id) show(payload);
    if (event === 'delete' && payload.channel === current.id) {
      const m = shown.get(payload.message);
      if (m) show({ ...m, deleted: true, text: null });
    }
    if (event === 'reaction' && payload.channel === current.id) {
      const m = shown.get(payload.message);
      if (!m) return;
      const users = new Set(m.reactions[payload.emoji] || []);
      if (payload.added) users.add(payload.user);
      else users.delete(payload.user);
      show({ ...m, reactions: { ...m.reactions, [payload.emoji]: [...users] } });
    }
  }

  async function readStream() {
    abort = new AbortController();
    const res = await fetch('/api/v1/events', {
      headers: { authorization: 'Bearer ' + mc.token },
      signal: abort.signal,
    });
    if (!res.ok) throw new Error('event stream ' + res.status);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        if (!event || !data) continue;
        if (event === 'ready') {
          attempt = 0;
          $('live').textContent = 'live';
        }
        onEvent(event, JSON.parse(data));
      }
    }
  }

  /** Keeps a stream open: after any end it waits 1, 2, 4 … 30 s, reopens and re-reads the channel. */
  function listen() {
    clearTimeout(retryTimer);
    readStream()
      .catch(() => undefined)
      .finally(() => {
        if (abort?.signal.aborted) return;
        $('live').textContent = 'reconnecting…';
        const wait = Math.min(30000, 1000 * 2 ** attempt++);
        retryTimer = setTimeout(() => {
          listen();
          if (current) void openChannel(current);
        }, wait);
      });
  }

  function stop() {
    clearTimeout(retryTimer);
    abort?.abort();
    current = null;
    $('live').textContent = '';
  }

  function wire() {
    $('send').onsubmit = async (ev) => {
      ev.preventDefault();
      const text = $('text').value;
      if (!current || !text.trim()) return;
      try {
        show(await mc.api('POST', '/channels/' + current.id + '/messages', { text }));
        $('text').value = '';
        mc.showError(null);
      } catch (e) {
        mc.showError(e);
      }
    };
    $('join').onclick = async () => {
      if (!current) return;
      try {
        await mc.api('POST', '/channels/' + current.id + '/join');
        await loadChannels();
        await openChannel(current);
      } catch (e) {
        mc.showError(e);
      }
    };
  }

  mc.chat = { loadChannels, listen, stop, wire };
})();

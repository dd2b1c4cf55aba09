/* global window, fetch */
/**
 * The admin panels: bridges (state, detail and recent changes), node and peers
 * with their sync state, deliveries per minute per network (an inline SVG drawn from the
 * delivery-latency histogram's counts on /metrics), links with add/remove, and the outbox with
 * retry and discard. Refreshed by console.js every 2 s.
 */
'use strict';

(() => {
  const mc = window.mc;
  const { $, el } = mc;
  /** network → [{state, detail, at}], newest first, at most HISTORY entries. */
  const history = new Map();
  const HISTORY = 8;
  /** network → [{at, total}] samples of delivered counts, at most SAMPLES (2 min at 2 s). */
  const samples = new Map();
  const SAMPLES = 61;
  /** When /metrics was last read (0: never). */
  let lastSampleAt = 0;

  function noteBridges(bridges) {
    for (const [name, b] of Object.entries(bridges)) {
      const seen = history.get(name) || [];
      const last = seen[0];
      if (!last || last.state !== b.state || last.detail !== b.detail) {
        seen.unshift({ state: b.state, detail: b.detail, at: new Date().toISOString() });
        seen.length = Math.min(seen.length, HISTORY);
        history.set(name, seen);
      }
    }
  }

  function renderBridges(bridges) {
    const box = $('bridges');
    box.textContent = '';
    const names = Object.keys(bridges);
    if (!names.length) box.append(el('p', { className: 'muted' }, 'no bridge configured'));
    const select = $('link-network');
    const chosen = select.value;
    select.textContent = '';
    for (const name of names) {
      const b = bridges[name];
      const changes = el('ol');
      for (const h of history.get(name) || []) {
        changes.append(
          el('li', {}, mc.when(h.at) + ' ' + h.state + (h.detail ? ': ' + h.detail : '')),
        );
      }
      box.append(
        el(
          'div',
          { className: 'bridge', id: 'bridge-' + name },
          el('strong', {}, name + ' '),
          el('span', { className: 'state ' + b.state, dataset: { state: b.state } }, b.state),
          b.detail ? el('div', { className: 'muted' }, b.detail) : null,
          changes,
        ),
      );
      select.append(el('option', { value: name }, name));
    }
    if (names.includes(chosen)) select.value = chosen;
  }

  function renderNode(status) {
    const dl = $('node');
    dl.textContent = '';
    const row = (k, v) => dl.append(el('dt', {}, k), el('dd', {}, v));
    row('address', status.address);
    row('peer id', status.peerId || 'P2P not started');
    row('listening on', (status.listen || []).join('\n') || '–');
    row('channels', String(status.channels));
    row('peers', String(status.peers));
    const sync = status.sync && typeof status.sync === 'object' ? status.sync : {};
    if ('completed' in sync) {
      row(
        'sync',
        sync.completed +
          ' done, ' +
          sync.failed +
          ' failed, ' +
          sync.running +
          ' running; ' +
          sync.entriesReceived +
          ' entries received, ' +
          sync.pending +
          ' waiting' +
          (sync.lastSyncAt ? '; last ' + mc.when(sync.lastSyncAt) : ''),
      );
    }
    const body = $('peers').tBodies[0];
    body.textContent = '';
    const perPeer = sync.peers && typeof sync.peers === 'object' ? sync.peers : {};
    for (const id of status.peerIds || []) {
      const state = perPeer[id];
      body.append(
        el(
          'tr',
          {},
          el('td', {}, id),
          el('td', {}, state ? 'last sync ' + mc.when(state) : 'not synced yet'),
        ),
      );
    }
    if (!(status.peerIds || []).length)
      body.append(el('tr', {}, el('td', { colSpan: 2 }, 'no peers')));
  }

  /** Reads multichat_delivery_latency_seconds_count{network} from /metrics. */
  async function sampleRates() {
    const res = await fetch('/metrics', { headers: { authorization: 'Bearer ' + mc.token } });
    if (!res.ok) return;
    const text = await res.text();
    const now = Date.now();
    const re = /^multichat_delivery_latency_seconds_count\{network="([^"]+)"\} (\d+)/gm;
    for (let m; (m = re.exec(text));) {
      // A network's series appears with its first delivery: before it, it had sent none.
      const list = samples.get(m[1]) || (lastSampleAt ? [{ at: lastSampleAt, total: 0 }] : []);
      list.push({ at: now, total: Number(m[2]) });
      if (list.length > SAMPLES) list.shift();
      samples.set(m[1], list);
    }
    lastSampleAt = now;
    drawRates();
  }

  const COLORS = ['#2a6fdb', '#d9822b', '#2e9e57', '#b03a8a', '#666'];
  /**
   * One line per network over the last WINDOW ms: deliveries per minute, each point smoothed over
   * the SMOOTH samples before it. The legend says how many went out in the last minute.
   */
  const WINDOW = 120000;
  const SMOOTH = 5;
  function drawRates() {
    const svg = $('rates');
    const now = Date.now();
    const x = (at) => (300 - ((now - at) / WINDOW) * 300).toFixed(1);
    const series = [...samples.entries()].map(([net, list]) => ({
      net,
      points: list.slice(1).map((s, i) => {
        const from = list[Math.max(0, i + 1 - SMOOTH)];
        return { at: s.at, perMin: ((s.total - from.total) * 60000) / Math.max(1, s.at - from.at) };
      }),
      lastMinute: list.at(-1).total - (list.find((s) => s.at >= now - 60000) || list[0]).total,
    }));
    const max = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.perMin)));
    const ns = 'http://www.w3.org/2000/svg';
    svg.textContent = '';
    const legend = $('rates-legend');
    legend.textContent = '';
    series.forEach((s, i) => {
      const color = COLORS[i % COLORS.length];
      const line = window.document.createElementNS(ns, 'polyline');
      const pts = s.points.map((p) => x(p.at) + ',' + (76 - (p.perMin / max) * 70).toFixed(1));
      line.setAttribute('points', pts.join(' '));
      line.setAttribute('fill', 'none');
      line.setAttribute('stroke', color);
      line.setAttribute('stroke-width', '2');
      line.setAttribute('vector-effect', 'non-scaling-stroke');
      line.setAttribute('data-network', s.net);
      svg.append(line);
      legend.append(
        el(
          'span',
          { style: 'color:' + color },
          s.net + ': ' + s.lastMinute + ' in the last minute  ',
        ),
      );
    });
    legend.append(
      series.length
        ? 'top of the chart ' + max.toFixed(0) + '/min, last 2 minutes'
        : 'no deliveries yet',
    );
  }

  function renderLinks(links) {
    const body = $('links').tBodies[0];
    body.textContent = '';
    for (const link of links) {
      const target = Object.entries(link.target)
        .map(([k, v]) => k + '=' + v)
        .join(' ');
      const remove = el('button', { type: 'button' }, 'Remove');
      remove.onclick = () => act(() => mc.api('DELETE', '/links/' + encodeURIComponent(link.id)));
      body.append(
        el(
          'tr',
          { dataset: { link: link.id } },
          el('td', {}, link.channelName || link.channel),
          el('td', {}, link.network),
          el('td', {}, target),
          el('td', {}, remove),
        ),
      );
    }
    if (!links.length) body.append(el('tr', {}, el('td', { colSpan: 4 }, 'no links')));
  }

  function renderOutbox(outbox) {
    $('outbox-summary').textContent = outbox.links.length
      ? outbox.links
          .map((l) => l.network + ': ' + l.pending + ' pending, ' + l.dead + ' dead')
          .join('; ')
      : 'nothing waiting';
    const body = $('outbox').tBodies[0];
    body.textContent = '';
    for (const d of outbox.deliveries) {
      const retry = el('button', { type: 'button', className: 'retry' }, 'Retry');
      retry.onclick = () =>
        act(() => mc.api('POST', '/outbox/' + encodeURIComponent(d.id) + '/retry'));
      const discard = el('button', { type: 'button', className: 'discard' }, 'Discard');
      discard.onclick = () => act(() => mc.api('DELETE', '/outbox/' + encodeURIComponent(d.id)));
      body.append(
        el(
          'tr',
          { dataset: { delivery: d.id, state: d.state } },
          el('td', {}, mc.when(d.createdAt)),
          el('td', {}, d.network),
          el('td', {}, d.kind),
          el('td', {}, el('span', { className: 'state ' + d.state }, d.state), ' ×' + d.attempts),
          el('td', {}, d.lastError || ''),
          el('td', {}, retry, ' ', discard),
        ),
      );
    }
    if (!outbox.deliveries.length) body.append(el('tr', {}, el('td', { colSpan: 6 }, 'empty')));
  }

  async function act(call) {
    try {
      await call();
      mc.showError(null);
    } catch (e) {
      mc.showError(e);
    }
    await refresh().catch(mc.showError);
  }

  async function refresh() {
    const status = await mc.api('GET', '/status');
    // The gateway keeps each bridge's recent changes; without them the page keeps what it saw.
    if (status.bridgeHistory) {
      for (const [name, list] of Object.entries(status.bridgeHistory))
        history.set(name, list.slice(0, HISTORY));
    } else noteBridges(status.bridges);
    renderBridges(status.bridges);
    renderNode(status);
    // Links and the outbox exist only when bridges run: a 404 there just means "none".
    const [links, outbox] = await Promise.all([
      mc.api('GET', '/links').catch(() => ({ links: [] })),
      mc.api('GET', '/outbox').catch(() => ({ links: [], deliveries: [] })),
    ]);
    renderLinks(links.links);
    renderOutbox(outbox);
    await sampleRates().catch(() => undefined);
  }

  function wire() {
    $('add-link').onsubmit = (ev) => {
      ev.preventDefault();
      const target = {};
      for (const pair of $('link-target')
        .value.split(/[\s,]+/)
        .filter(Boolean)) {
        const at = pair.indexOf('=');
        if (at > 0) target[pair.slice(0, at)] = pair.slice(at + 1);
      }
      void act(async () => {
        await mc.api('POST', '/links', {
          channel: $('link-channel').value.trim(),
          network: $('link-network').value,
          target,
          ...($('link-create').checked && { createChannel: true }),
        });
        $('link-channel').value = '';
        $('link-target').value = '';
      });
    };
  }

  mc.admin = { refresh, wire };
})();

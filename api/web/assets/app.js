// Nexo's web page: plain JavaScript, no build step. The access token lives in
// this tab's sessionStorage and goes to the server only as a bearer header;
// everything shown comes from /api/v1. Views follow the path (/app/map,
// /app/search, /app/dormant, /app/duplicates, /app/accounts, /app/people/ID) through the History API, so
// links, the back button and a click on a person in a map all work alike.
'use strict';

(function () {
  const TOKEN = 'nexo.token';
  const XLINK = 'http://www.w3.org/1999/xlink';
  const $ = (id) => document.getElementById(id);
  const state = { me: null, seq: 0, circles: null };

  class APIError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  // api fetches an /api/v1 path with the token; it throws an APIError with
  // the server's message on any answer but 2xx, and signs out on a 401.
  async function api(path, init = {}) {
    const headers = new Headers(init.headers || {});
    headers.set('Authorization', 'Bearer ' + sessionStorage.getItem(TOKEN));
    const res = await fetch(path, { ...init, headers, credentials: 'omit', cache: 'no-cache' });
    if (res.status === 401) {
      signOut('Your token is no longer valid. Sign in again.');
      throw new APIError(401, 'Signed out.');
    }
    if (!res.ok) {
      let message = res.status + ' ' + res.statusText;
      try {
        message = (await res.json()).error.message || message;
      } catch (_) { /* not the JSON error shape */ }
      throw new APIError(res.status, message);
    }
    return res;
  }
  const getJSON = async (path) => (await api(path)).json();
  // reasonText joins the worded reasons of an answer (each {code, args, text}).
  const reasonText = (reasons) => (reasons || []).map((r) => r.text).join('; ');

  // el builds an element; text is set as text, never parsed as HTML.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  const personLink = (id, name) => el('a', { href: '/app/people/' + encodeURIComponent(id), text: name });
  const fixed = (x) => Number(x).toFixed(2);

  function say(message, isError) {
    const s = $('status');
    s.textContent = message || '';
    s.classList.toggle('error', !!isError);
  }

  function today() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
  }

  // ---- Views ----

  const VIEWS = ['signin', 'map', 'search', 'dormant', 'duplicates', 'accounts', 'person'];
  const CANVASES = ['map', 'diagram', 'person-map'];

  function show(view, title) {
    for (const v of VIEWS) $('view-' + v).hidden = v !== view;
    // Only the visible view keeps a drawing: maps repeat SVG ids (p-<id>).
    for (const id of CANVASES) {
      if ($(id).closest('.view').hidden) $(id).replaceChildren();
    }
    $('nav').hidden = view === 'signin';
    $('account').hidden = view === 'signin';
    for (const a of document.querySelectorAll('#nav a')) {
      if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.title = (title ? title + ' · ' : '') + 'Nexo';
  }

  function go(url) {
    history.pushState(null, '', url);
    route(true);
  }

  async function route(moveFocus) {
    const seq = ++state.seq;
    say('');
    if (!sessionStorage.getItem(TOKEN)) {
      show('signin', 'Sign in');
      if (moveFocus) $('token').focus();
      return;
    }
    try {
      if (!state.me) {
        state.me = await getJSON('/api/v1/me');
        showWho();
      }
      const path = location.pathname;
      const params = new URLSearchParams(location.search);
      if (path.startsWith('/app/people/')) await showPerson(decodeURIComponent(path.slice('/app/people/'.length)), seq);
      else if (path === '/app/search') await showSearch(params, seq);
      else if (path === '/app/dormant') await showDormant(seq);
      else if (path === '/app/duplicates') await showDuplicates(seq);
      else if (path === '/app/accounts') await showAccounts(seq);
      else await showMap(params, seq);
    } catch (e) {
      if (seq === state.seq && e.status !== 401) say(e.message, true);
    }
    if (moveFocus && seq === state.seq) {
      const h = document.querySelector('.view:not([hidden]) h1');
      if (h) {
        h.setAttribute('tabindex', '-1');
        h.focus();
      }
    }
  }

  function showWho() {
    const m = state.me;
    const name = (m.person && m.person.name) || m.user.name;
    $('who').textContent = name + (m.workspace ? ' · ' + m.workspace.name : '');
  }

  function myPersonID() {
    return state.me && state.me.person ? state.me.person.id : '';
  }

  // ---- Sign in and out ----

  $('signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = $('token').value.trim();
    const error = $('signin-error');
    error.textContent = '';
    if (!token.startsWith('nexo_')) {
      error.textContent = 'A Nexo token starts with nexo_.';
      $('token').focus();
      return;
    }
    let res;
    try {
      res = await fetch('/api/v1/me', { headers: { Authorization: 'Bearer ' + token }, credentials: 'omit' });
    } catch (_) {
      error.textContent = 'The server did not answer. Try again.';
      return;
    }
    if (!res.ok) {
      error.textContent = res.status === 401 ? 'That token is unknown or was revoked.' : 'Sign-in failed (' + res.status + ').';
      $('token').focus();
      return;
    }
    sessionStorage.setItem(TOKEN, token);
    $('token').value = '';
    state.me = await res.json();
    showWho();
    if (!location.pathname.startsWith('/app/')) history.replaceState(null, '', '/app/map');
    route(true);
  });

  function signOut(message) {
    sessionStorage.removeItem(TOKEN);
    state.me = null;
    state.circles = null;
    history.pushState(null, '', '/');
    route(true).then(() => say(message || 'Signed out.'));
  }
  $('signout').addEventListener('click', () => signOut());

  // ---- Links: in-page navigation, also from inside the SVG maps ----

  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest('a');
    if (!a) return;
    const href = a.getAttribute('href') || a.getAttributeNS(XLINK, 'href');
    if (!href || !(href === '/' || href.startsWith('/app/'))) return;
    e.preventDefault();
    go(href);
  });
  window.addEventListener('popstate', () => route(true));

  // ---- Drawings: inline SVG with pan and zoom ----

  // parseSVG turns the server's SVG into an element of this page. It is
  // parsed as XML (no script runs), its fixed size removed so CSS sizes it.
  function parseSVG(text) {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    if (root.localName !== 'svg' || doc.getElementsByTagName('parsererror').length) {
      throw new Error('The server sent no drawing.');
    }
    const svg = document.importNode(root, true);
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    const title = svg.querySelector(':scope > title');
    svg.setAttribute('role', 'group');
    svg.setAttribute('aria-label', title ? title.textContent : 'Drawing');
    // The legend's link points nowhere; keep it out of the tab order.
    for (const a of svg.querySelectorAll('a')) {
      const href = a.getAttributeNS(XLINK, 'href') || a.getAttribute('href') || '';
      if (href.startsWith('#')) {
        a.removeAttributeNS(XLINK, 'href');
        a.removeAttribute('href');
      }
    }
    return svg;
  }

  async function drawInto(box, url, seq) {
    box.replaceChildren(el('p', { class: 'loading', text: 'Drawing…' }));
    box.setAttribute('aria-busy', 'true');
    try {
      const text = await (await api(url)).text();
      if (seq !== state.seq) return;
      const svg = parseSVG(text);
      box.replaceChildren(svg);
      panZoom(box, svg);
    } catch (e) {
      if (seq === state.seq) box.replaceChildren(el('p', { class: 'error', text: e.message }));
    } finally {
      box.removeAttribute('aria-busy');
    }
  }

  // panZoom moves the SVG's viewBox: drag, wheel, two-finger pinch, keys,
  // and the toolbar (box.panZoom).
  function panZoom(box, svg) {
    const base = svg.viewBox.baseVal;
    const home = { x: base.x, y: base.y, w: base.width, h: base.height };
    let v = { ...home };
    const apply = () => {
      svg.setAttribute('viewBox', [v.x, v.y, v.w, v.h].map((n) => n.toFixed(2)).join(' '));
      // Labels of the zoom levels: z2 from twice the size, z4 from four times.
      const z = home.w / v.w;
      svg.classList.toggle('z2', z >= 2 && z < 4);
      svg.classList.toggle('z4', z >= 4);
    };
    const unitsPerPixel = () => {
      const m = svg.getScreenCTM();
      return m && m.a ? 1 / m.a : 1;
    };
    const toSVG = (x, y) => {
      const m = svg.getScreenCTM();
      return m ? new DOMPoint(x, y).matrixTransform(m.inverse()) : { x: v.x + v.w / 2, y: v.y + v.h / 2 };
    };
    const zoom = (factor, cx, cy) => {
      if (cx === undefined) {
        cx = v.x + v.w / 2;
        cy = v.y + v.h / 2;
      }
      const w = Math.min(home.w * 2, Math.max(home.w / 25, v.w / factor));
      const k = w / v.w;
      v = { x: cx - (cx - v.x) * k, y: cy - (cy - v.y) * k, w: w, h: v.h * k };
      apply();
    };
    const pan = (dx, dy) => {
      v.x += dx;
      v.y += dy;
      apply();
    };
    const reset = () => {
      v = { ...home };
      apply();
    };
    // show centres the view on a box of the drawing, zoomed to at least z.
    const show = (b, z) => {
      const w = Math.min(v.w, home.w / z);
      const h = v.h * (w / v.w);
      v = { x: b.x + b.width / 2 - w / 2, y: b.y + b.height / 2 - h / 2, w: w, h: h };
      apply();
    };
    box.panZoom = { zoom, reset, show };

    box.onwheel = (e) => {
      e.preventDefault();
      const p = toSVG(e.clientX, e.clientY);
      zoom(e.deltaY < 0 ? 1.25 : 0.8, p.x, p.y);
    };
    const pointers = new Map();
    box.dragged = false;
    box.onpointerdown = (e) => {
      if (e.pointerType === 'mouse' && e.button !== 0) return;
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      box.dragged = false;
    };
    box.onpointermove = (e) => {
      const last = pointers.get(e.pointerId);
      if (!last) return;
      const dx = e.clientX - last.x;
      const dy = e.clientY - last.y;
      if (!box.dragged && Math.hypot(dx, dy) < 4) return;
      if (!box.dragged) {
        // Captured only once it is a drag, so that a click still reaches a person.
        box.dragged = true;
        box.setPointerCapture(e.pointerId);
        box.classList.add('dragging');
      }
      if (pointers.size === 2) {
        const other = [...pointers.entries()].find(([id]) => id !== e.pointerId)[1];
        const before = Math.hypot(last.x - other.x, last.y - other.y);
        const after = Math.hypot(e.clientX - other.x, e.clientY - other.y);
        const mid = toSVG((e.clientX + other.x) / 2, (e.clientY + other.y) / 2);
        if (before > 0) zoom(after / before, mid.x, mid.y);
      } else {
        const s = unitsPerPixel();
        pan(-dx * s, -dy * s);
      }
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    };
    const up = (e) => {
      pointers.delete(e.pointerId);
      if (!pointers.size) box.classList.remove('dragging');
    };
    box.onpointerup = up;
    box.onpointercancel = up;
    box.onkeydown = (e) => {
      const step = 0.1;
      const keys = {
        ArrowLeft: () => pan(-v.w * step, 0),
        ArrowRight: () => pan(v.w * step, 0),
        ArrowUp: () => pan(0, -v.h * step),
        ArrowDown: () => pan(0, v.h * step),
        '+': () => zoom(1.25),
        '=': () => zoom(1.25),
        '-': () => zoom(0.8),
        '0': reset,
      };
      if (keys[e.key] && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        keys[e.key]();
      }
    };
  }

  // A drag ends with a click on whatever is under the pointer: not a visit.
  for (const id of CANVASES) {
    $(id).addEventListener('click', (e) => {
      if ($(id).dragged) {
        e.preventDefault();
        e.stopPropagation();
        $(id).dragged = false;
      }
    }, true);
  }

  document.querySelector('#view-map .zoom').addEventListener('click', (e) => {
    const b = e.target.closest('button');
    const pz = $('map').panZoom;
    if (!b || !pz) return;
    if (b.dataset.zoom === 'in') pz.zoom(1.25);
    else if (b.dataset.zoom === 'out') pz.zoom(0.8);
    else pz.reset();
  });

  // ---- The map ----

  async function loadCircles() {
    if (state.circles) return;
    const res = await getJSON('/api/v1/communities');
    state.circles = res.communities;
    const select = $('map-community');
    select.replaceChildren(el('option', { value: '', text: 'All circles' }));
    res.communities.forEach((c, i) => {
      select.append(el('option', { value: String(i), text: c.label + ' (' + c.size + ')' }));
    });
  }

  async function showMap(params, seq) {
    const kind = params.get('kind') === 'overview' ? 'overview' : 'ego';
    show('map', 'Map');
    $('map-kind').value = kind;
    $('map-radius').value = params.get('radius') === '2' ? '2' : '1';
    $('map-radius-field').hidden = kind !== 'ego';
    $('map-community-field').hidden = kind !== 'overview';
    let url;
    if (kind === 'overview') {
      await loadCircles();
      const c = params.get('community') || '';
      $('map-community').value = c;
      url = '/api/v1/overview.svg' + (c ? '?community=' + encodeURIComponent(c) : '');
      $('map-title').textContent = c && state.circles[c] ? 'Circle: ' + state.circles[c].label : 'The whole network';
    } else {
      url = '/api/v1/map.svg?radius=' + $('map-radius').value;
      $('map-title').textContent = 'Your network';
    }
    $('best-path').hidden = true;
    await drawInto($('map'), url, seq);
    if (seq === state.seq && $('map-find').value.trim()) findOnMap();
  }

  $('map-form').addEventListener('change', (e) => {
    if (e.target.id === 'map-find') return;
    const p = new URLSearchParams();
    p.set('kind', $('map-kind').value);
    if ($('map-kind').value === 'ego') p.set('radius', $('map-radius').value);
    else if ($('map-community').value) p.set('community', $('map-community').value);
    history.replaceState(null, '', '/app/map?' + p);
    route(false);
  });
  $('map-form').addEventListener('submit', (e) => e.preventDefault());

  // A click on a circle of the whole network drills into it; a click on a
  // person shows my best path to them (their page is one more click away).
  $('map').addEventListener('click', (e) => {
    const g = e.target.closest('g.node.community');
    const m = g && /^c-(\d+)$/.exec(g.id);
    if (m) {
      e.preventDefault();
      go('/app/map?kind=overview&community=' + m[1]);
      return;
    }
    const p = e.target.closest('g.node.person');
    if (p && !e.defaultPrevented && e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey) {
      e.preventDefault();
      e.stopPropagation();
      showBestPath(p.id.slice(2), personName(p), state.seq);
    }
  }, true);

  // personName is a person's name as the map's tooltip gives it.
  function personName(g) {
    const a = g.querySelector('a');
    const tip = (a && (a.getAttributeNS(XLINK, 'title') || a.getAttribute('title'))) || '';
    return tip.split('\n')[0] || g.id.slice(2);
  }

  function clearMarks(svg) {
    svg.classList.remove('pathing', 'searching');
    for (const g of svg.querySelectorAll('.on-path, .found')) g.classList.remove('on-path', 'found');
    for (const t of svg.querySelectorAll('.found-label')) t.remove();
  }

  async function showBestPath(id, name, seq) {
    const svg = $('map').querySelector('svg');
    const panel = $('best-path');
    $('best-path-title').textContent = 'Your best path to ' + name;
    $('best-path-page').textContent = 'Open ' + name + '’s page';
    $('best-path-page').setAttribute('href', '/app/people/' + encodeURIComponent(id));
    const steps = $('best-path-steps');
    steps.replaceChildren();
    panel.hidden = false;
    if (svg) clearMarks(svg);
    if (id === myPersonID()) {
      steps.append(el('li', { text: 'That is you.' }));
      return;
    }
    let res;
    try {
      res = await getJSON('/api/v1/intro-paths?k=1&to=' + encodeURIComponent(id));
    } catch (e) {
      steps.append(el('li', { class: 'error', text: e.message }));
      return;
    }
    if (seq !== state.seq) return;
    const p = res.paths[0];
    if (!p) {
      steps.append(el('li', { text: 'No path within 4 ties: nobody you know leads to ' + name + ' yet.' }));
      return;
    }
    steps.append(...stepItems(p));
    if (!svg) return;
    svg.classList.add('pathing');
    for (const pid of p.people) {
      const g = svg.getElementById('p-' + pid);
      if (g) g.classList.add('on-path');
    }
    for (let i = 0; i + 1 < p.people.length; i++) {
      const a = p.people[i], b = p.people[i + 1];
      const t = svg.getElementById('t-' + (a < b ? a + '-' + b : b + '-' + a));
      if (t) t.classList.add('on-path');
    }
  }

  // ---- Finding a person on the map ----

  // fold drops case and accents, so that "jose" finds "José".
  const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

  function findOnMap() {
    const svg = $('map').querySelector('svg');
    const q = fold($('map-find').value.trim());
    if (!svg) return;
    clearMarks(svg);
    $('best-path').hidden = true;
    if (!q) {
      $('map-found').textContent = '';
      return;
    }
    const found = [...svg.querySelectorAll('g.node.person')].filter((g) => fold(personName(g)).includes(q));
    $('map-found').textContent = found.length ? found.length + (found.length === 1 ? ' person found.' : ' people found.') :
      'No one by that name on this map.';
    if (!found.length) return;
    svg.classList.add('searching');
    for (const g of found.slice(0, 50)) {
      g.classList.add('found');
      // Named even where the map had no room for the name.
      const b = g.getBBox();
      const t = document.createElementNS('http://www.w3.org/2000/svg', 'text');
      t.setAttribute('class', 'found-label');
      t.setAttribute('x', String(b.x + b.width + 3));
      t.setAttribute('y', String(b.y + b.height / 2 + 4));
      t.textContent = personName(g);
      g.append(t);
    }
    const b = found[0].getBBox();
    if ($('map').panZoom) $('map').panZoom.show(b, 2);
  }
  $('map-find').addEventListener('input', findOnMap);

  // ---- Introductions ----

  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = $('q').value.trim();
    if (q) go('/app/search?q=' + encodeURIComponent(q));
  });

  async function showSearch(params, seq) {
    show('search', 'Introductions');
    const q = params.get('q') || '';
    const to = params.get('to') || '';
    $('q').value = q || params.get('name') || '';
    $('paths').replaceChildren();
    $('paths-title').hidden = true;
    $('diagram-figure').hidden = true;
    if (!q && !to) return;
    say('Searching…');
    const query = to ? 'to=' + encodeURIComponent(to) : 'q=' + encodeURIComponent(q);
    const res = await getJSON('/api/v1/intro-paths?' + query + '&k=5');
    if (seq !== state.seq) return;
    if (!res.paths.length) {
      say('No path within 4 ties: nobody you know leads there yet.');
      return;
    }
    say(res.paths.length + (res.paths.length === 1 ? ' path' : ' paths') + ' found, the warmest first.');
    $('paths-title').hidden = false;
    res.paths.forEach((p, i) => $('paths').append(pathItem(p, i, seq)));
    await showDiagram(res.paths[0], seq);
  }

  // stepItems are the steps of a path as list items: who to whom, the
  // tie's strength and why.
  function stepItems(p) {
    return p.steps.map((s) => el('li', {},
      personLink(s.from, s.from === myPersonID() ? s.from_name + ' (you)' : s.from_name), ' → ',
      personLink(s.to, s.to_name), ' ',
      el('span', { class: 'strength', title: 'tie strength', text: fixed(s.strength) }), ' ',
      el('span', { class: 'reasons', text: reasonText(s.reasons) })));
  }

  function pathItem(p, i, seq) {
    const target = p.people[p.people.length - 1];
    const steps = el('ol', { class: 'steps' }, ...stepItems(p));
    const button = el('button', { type: 'button', class: 'secondary', 'aria-pressed': i === 0 ? 'true' : 'false',
      text: 'Show diagram' });
    button.addEventListener('click', () => {
      for (const b of document.querySelectorAll('#paths button[aria-pressed]')) b.setAttribute('aria-pressed', 'false');
      button.setAttribute('aria-pressed', 'true');
      showDiagram(p, state.seq);
    });
    return el('li', { class: 'path', 'data-target': target },
      el('h3', {}, 'To ', personLink(target, p.names[p.names.length - 1])),
      el('p', { class: 'meta' }, 'Score ' + fixed(p.score) + ' · ' + p.hops + (p.hops === 1 ? ' tie' : ' ties') + ' ',
        el('meter', { min: 0, max: 1, value: p.score, 'aria-label': 'Path score' })),
      steps, button);
  }

  async function showDiagram(p, seq) {
    const target = p.people[p.people.length - 1];
    $('diagram-figure').hidden = false;
    $('diagram-caption').textContent = 'The best paths to ' + p.names[p.names.length - 1] +
      ': each tie with its strength and why; the best path in black.';
    await drawInto($('diagram'), '/api/v1/intro-paths.svg?k=5&to=' + encodeURIComponent(target), seq);
  }

  // ---- Dormant ties ----

  async function showDormant(seq) {
    show('dormant', 'Dormant ties');
    const list = $('dormant');
    list.replaceChildren();
    // The member's own threshold, as their reports and the maps use it.
    const settings = await getJSON('/api/v1/members/' + encodeURIComponent(state.me.user.id) + '/report-settings');
    $('dormant-days').textContent = settings.dormant_days;
    const res = await getJSON('/api/v1/dormant?limit=20&days=' + settings.dormant_days);
    if (seq !== state.seq) return;
    if (res.freshness.stale) say('Your latest changes are being counted; this list may change in a moment.');
    if (!res.dormant.length) {
      say('No valuable tie has gone quiet for ' + res.threshold_days + ' days. Well kept!');
      return;
    }
    for (const d of res.dormant) list.append(dormantItem(d));
  }

  function dormantItem(d) {
    const last = d.last_interaction ? d.last_interaction.slice(0, 10) : 'never';
    const button = el('button', { type: 'button', text: 'Log interaction',
      'aria-label': 'Log an interaction with ' + d.name + ' today' });
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await api('/api/v1/interactions', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ kind: 'message', with: [d.person_id], at: today(), initiated_by: 'me',
            notes: 'Reached out from the dormant-ties list.' }),
        });
        button.textContent = 'Logged ✓';
        button.removeAttribute('aria-label');
        say('Logged a message to ' + d.name + ' today.');
      } catch (e) {
        button.disabled = false;
        say(e.message, true);
      }
    });
    return el('li', { class: 'card', 'data-person': d.person_id },
      el('h2', {}, personLink(d.person_id, d.name)),
      el('p', { class: 'meta' }, d.days_dormant + ' days since you were last in touch (' + last + ') · value ' + fixed(d.value) + ' ',
        el('meter', { min: 0, max: 1, value: d.value, 'aria-label': 'Value of the tie' })),
      el('ul', { class: 'reasons' }, ...(d.reasons || []).map((r) => el('li', { text: r.text }))),
      button);
  }

  // ---- Possible duplicates ----

  async function showDuplicates(seq) {
    show('duplicates', 'Possible duplicates');
    const list = $('duplicates');
    list.replaceChildren();
    const [res, merges] = await Promise.all([getJSON('/api/v1/duplicates/people?limit=20'), getJSON('/api/v1/merges?limit=10')]);
    if (seq !== state.seq) return;
    renderDuplicates(list, res);
    $('merges').replaceChildren(...merges.items.map(mergeItem));
    if (!merges.items.length) $('merges').append(el('li', { class: 'card', text: 'No merges yet.' }));
    if (res.stale) refreshDuplicates(seq, 5);
  }

  function renderDuplicates(list, res) {
    list.replaceChildren();
    if (res.stale) list.append(el('li', { class: 'card meta stale', text: 'Your network changed since these were found; they are being found again, and the list will update by itself.' }));
    if (!res.items.length) list.append(el('li', { class: 'card', text: 'No possible duplicates: one person, one entry.' }));
    for (const p of res.items) list.append(duplicateItem(p));
  }

  // refreshDuplicates asks again every few seconds while the list is stale
  // (the server finds it again in the background) and shows the new one,
  // unless a comparison was opened: that the user finishes first.
  async function refreshDuplicates(seq, tries) {
    await new Promise((done) => setTimeout(done, 3000));
    const list = $('duplicates');
    if (seq !== state.seq || list.querySelector('[data-comparing]')) return;
    let res;
    try {
      res = await getJSON('/api/v1/duplicates/people?limit=20');
    } catch (e) {
      return; // the note stays; a reload asks again
    }
    if (seq !== state.seq || list.querySelector('[data-comparing]')) return;
    if (!res.stale) renderDuplicates(list, res);
    else if (tries > 1) refreshDuplicates(seq, tries - 1);
  }

  function duplicateItem(p) {
    const li = el('li', { class: 'card duplicate', 'data-a': p.a.id, 'data-b': p.b.id });
    const compare = el('button', { type: 'button', text: 'Compare side by side',
      'aria-label': 'Compare ' + p.a.name + ' and ' + p.b.name + ' side by side' });
    compare.addEventListener('click', () => showMergePreview(li, p.a.id, p.b.id));
    li.append(
      el('h2', {}, personLink(p.a.id, p.a.name), ' and ', personLink(p.b.id, p.b.name)),
      el('p', { class: 'meta' }, (p.exact ? 'Share an identifier · ' : '') + 'likelihood ' + fixed(p.score) + ' ',
        el('meter', { min: 0, max: 1, value: p.score, 'aria-label': 'How likely they are one person' })),
      el('ul', { class: 'reasons' }, ...p.evidence.map((e) => el('li', { class: e.weight < 0 ? 'against' : 'for',
        text: (e.weight < 0 ? 'Against: ' : '') + e.detail }))),
      compare);
    return li;
  }

  const PREVIEW_FIELDS = [['name', 'Name'], ['emails', 'Emails'], ['phones', 'Phones'], ['linkedin_url', 'LinkedIn'],
    ['title', 'Title'], ['company', 'Organisation'], ['location', 'Location'], ['tags', 'Tags']];
  const shown = (v) => (Array.isArray(v) ? v.join(', ') : v) || '–';

  async function showMergePreview(li, a, b) {
    const old = li.querySelector('.preview');
    if (old) old.remove();
    li.dataset.comparing = 'yes'; // refreshDuplicates leaves the list alone
    const pv = await getJSON('/api/v1/merges/preview?survivor_id=' + encodeURIComponent(a) + '&absorbed_id=' + encodeURIComponent(b));
    const prov = pv.result.provenance || {};
    const table = el('table', { class: 'preview-table' },
      el('caption', { text: 'Merging ' + pv.absorbed.name + ' into ' + pv.survivor.name }),
      el('thead', {}, el('tr', {}, ...['Field', 'Keeps (' + pv.survivor.source + ')', 'Merged in (' + pv.absorbed.source + ')',
        'Result', 'From'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...PREVIEW_FIELDS.map(([f, label]) => el('tr', {},
        el('th', { scope: 'row', text: label }), el('td', { text: shown(pv.survivor[f]) }),
        el('td', { text: shown(pv.absorbed[f]) }), el('td', { text: shown(pv.result[f]) }), el('td', { text: prov[f] || '' })))));
    const m = pv.moves;
    const count = (n, one, many) => n + ' ' + (n === 1 ? one : many);
    const moves = el('p', { class: 'meta', text: 'Moves to ' + pv.survivor.name + ': ' + count(m.ties, 'tie', 'ties') + ' (' +
      m.combined + ' combined with ' + pv.survivor.name + "'s), " + count(m.interactions, 'interaction', 'interactions') + ', ' +
      count(m.introductions, 'introduction', 'introductions') + ', ' + count(m.positions, 'position', 'positions') + ', ' +
      m.your_notes + " of your notes (teammates' notes move too, unseen)." });
    const box = el('div', { class: 'preview' }, table, moves);
    if (pv.allowed) {
      const merge = el('button', { type: 'button', text: 'Merge into ' + pv.survivor.name });
      merge.addEventListener('click', async () => {
        merge.disabled = true;
        try {
          await api('/api/v1/merges', { method: 'POST', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ survivor_id: a, absorbed_id: b, survivor_version: pv.survivor.updated_at,
              absorbed_version: pv.absorbed.updated_at }) });
          say('Merged ' + pv.absorbed.name + ' into ' + pv.survivor.name + '. You can undo it in the history.');
          await showDuplicates(state.seq);
        } catch (e) {
          merge.disabled = false;
          say(e.message, true);
        }
      });
      const swap = el('button', { type: 'button', class: 'secondary', text: 'Keep ' + pv.absorbed.name + ' instead' });
      swap.addEventListener('click', () => showMergePreview(li, b, a));
      box.append(el('p', {}, merge, ' ', swap));
    } else {
      box.append(el('p', { class: 'help', text: 'Only an owner can merge these two: they are not both your own contacts.' }));
    }
    li.append(box);
  }

  function mergeItem(m) {
    const undone = !!m.undone_at;
    const li = el('li', { class: 'card merge' },
      el('p', {}, m.absorbed_name + ' merged into ', personLink(m.survivor_id, 'the surviving person'),
        ' on ' + m.at.slice(0, 10) + (m.auto ? ' (automatically, on import)' : '') + (undone ? ' · undone ' + m.undone_at.slice(0, 10) : '')));
    if (!undone) {
      const undo = el('button', { type: 'button', class: 'secondary', text: 'Undo',
        'aria-label': 'Undo the merge of ' + m.absorbed_name });
      undo.addEventListener('click', async () => {
        undo.disabled = true;
        try {
          await api('/api/v1/merges/' + encodeURIComponent(m.id) + '/undo', { method: 'POST',
            headers: { 'Content-Type': 'application/json' }, body: '{}' });
          say(m.absorbed_name + ' is back.');
          await showDuplicates(state.seq);
        } catch (e) {
          undo.disabled = false;
          say(e.message, true);
        }
      });
      li.append(undo);
    }
    return li;
  }

  // ---- Connected accounts ----

  async function showAccounts(seq) {
    show('accounts', 'Connected accounts');
    const res = await getJSON('/api/v1/accounts');
    if (seq !== state.seq) return;
    const list = $('accounts');
    list.replaceChildren(...res.items.map(accountItem));
    if (!res.items.length) list.append(el('li', { class: 'card', text: 'No account connected yet.' }));
    $('connect').open = !res.items.length;
    // A sync under way: look again in a moment.
    if (res.items.some((a) => a.status.state === 'syncing')) {
      setTimeout(() => { if (seq === state.seq) showAccounts(seq).catch((e) => say(e.message, true)); }, 2000);
    }
  }

  function accountItem(a) {
    const st = a.status;
    const name = a.kind === 'imap' ? a.username + ' @ ' + a.host : a.username + ' @ ' + a.url;
    const when = (t) => (t ? new Date(t).toLocaleString() : 'never');
    const words = { idle: 'not synced yet', syncing: 'syncing', ok: 'up to date', failed: 'last sync failed' }[st.state] || st.state;
    let progress = null;
    if (st.state === 'syncing') {
      progress = st.total ? el('progress', { max: st.total, value: st.done, 'aria-label': 'Sync progress' })
        : el('span', { text: st.phase || '' });
    }
    const button = el('button', { type: 'button', text: 'Sync now', disabled: st.state === 'syncing',
      'aria-label': 'Sync ' + name + ' now' });
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const job = await (await api('/api/v1/accounts/' + encodeURIComponent(a.id) + '/sync', { method: 'POST' })).json();
        say('Syncing ' + name + '…');
        await followJob(job.id, (j) => { button.textContent = j.total ? 'Syncing ' + j.done + '/' + j.total : 'Syncing…'; });
        say('Synced ' + name + '.');
      } catch (e) {
        say(e.message, true);
      }
      route(false);
    });
    return el('li', { class: 'card' + (st.state === 'failed' ? ' failed' : ''), 'data-account': a.id },
      el('h2', { text: a.kind.toUpperCase() + ': ' + name }),
      el('p', { class: 'meta', text: words + ' · last sync ' + when(st.last_sync_at) + ' · last success ' + when(st.last_success_at) }),
      el('p', { text: st.messages + ' read, ' + st.captured + ' captured, ' + st.people + ' people created, ' +
        st.skipped + ' skipped' + (st.contacts ? ', ' + st.contacts + ' contacts' : '') }),
      st.last_error ? el('p', { class: 'error', role: 'alert', text: st.last_error }) : null,
      progress, button);
  }

  // followJob polls a job until it ends; it throws the job's error.
  async function followJob(id, onProgress) {
    for (;;) {
      const j = await getJSON('/api/v1/jobs/' + encodeURIComponent(id));
      if (onProgress) onProgress(j);
      if (j.state === 'failed') throw new Error(j.error ? j.error.message : 'The job failed.');
      if (j.state !== 'running') return j;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  $('connect-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const kind = $('connect-kind').value;
    const host = $('connect-host').value.trim();
    const body = { kind, username: $('connect-user').value.trim(), password: $('connect-password').value,
      settings: { subjects: $('connect-subjects').checked } };
    if (kind === 'imap') body.host = host;
    else body.url = host;
    try {
      say('Checking the account…');
      await api('/api/v1/accounts', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      $('connect-form').reset();
      say('Connected. Press “Sync now” to read it, or wait for the next scheduled sync.');
      route(false);
    } catch (e) {
      say(e.message, true);
    }
  });

  // ---- A person ----

  async function showPerson(id, seq) {
    show('person', 'Person');
    $('person-name').textContent = 'Loading…';
    $('person-headline').textContent = '';
    $('person-facts').replaceChildren();
    $('person-ties').replaceChildren();
    const base = '/api/v1/people/' + encodeURIComponent(id);
    const [p, st] = await Promise.all([getJSON(base), getJSON(base + '/strengths')]);
    if (seq !== state.seq) return;
    document.title = p.name + ' · Nexo';
    $('person-name').textContent = p.name + (p.id === myPersonID() ? ' (you)' : '');
    $('person-headline').textContent = [p.title, p.company].filter(Boolean).join(' @ ');
    const facts = [['Location', p.location], ['Skills', (p.skills || []).join(', ')], ['Tags', (p.tags || []).join(', ')],
      ['Looking for', (p.needs || []).join(', ')]];
    for (const [k, v] of facts) if (v) $('person-facts').append(el('li', {}, el('strong', { text: k + ': ' }), v));
    const intro = $('person-intro');
    intro.hidden = p.id === myPersonID();
    intro.setAttribute('href', '/app/search?to=' + encodeURIComponent(p.id) + '&name=' + encodeURIComponent(p.name));
    for (const t of st.ties) $('person-ties').append(tieItem(t));
    if (!st.ties.length) $('person-ties').append(el('li', { text: 'No ties yet.' }));
    await drawInto($('person-map'), '/api/v1/map.svg?person=' + encodeURIComponent(id), seq);
  }

  function tieItem(t) {
    const word = t.strength >= 0.6 ? 'strong' : t.strength >= 0.3 ? 'moderate' : 'weak';
    const table = el('table', {},
      el('thead', {}, el('tr', {}, ...['Component', 'Value', 'Weight', 'Contribution', 'Detail'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...(t.components || []).map((c) => el('tr', {},
        el('th', { scope: 'row', text: c.name.replace('_', ' ') }), el('td', { text: fixed(c.value) }),
        el('td', { text: fixed(c.weight) }), el('td', { text: fixed(c.contribution) }), el('td', { text: c.detail || '' })))));
    return el('li', { class: 'tie ' + word },
      el('p', {}, personLink(t.person_id, t.name), ' ',
        el('span', { class: 'strength', text: fixed(t.strength) + ' ' + word }), ' ',
        el('meter', { min: 0, max: 1, value: t.strength, 'aria-label': 'Strength of the tie with ' + t.name })),
      el('p', { class: 'reasons', text: reasonText(t.reasons) }),
      t.captured_interactions ? el('p', { class: 'meta', text: t.captured_interactions + ' of ' + t.interactions +
        ' interactions (' + Math.round(100 * t.captured_share) + '%) come from connected mail and calendars' }) : null,
      el('details', {}, el('summary', { text: 'How the strength is computed' }), table));
  }

  route(false);
})();

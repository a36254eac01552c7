// filmbot playground: a small Discord-like client for the local sandbox.
// Everything goes through the sandbox's control API (/_sandbox/…).
'use strict';
const $ = (id) => document.getElementById(id);
const state = { locale: localStorage.getItem('filmbot.locale') || 'en-US', acDone: 0, info: null, member: null, channel: null, commands: [], acSeq: 0, palette: [], palSel: 0, modalFor: null, picks: {}, busy: new Set(), view: 0 };

async function api(path, body) {
  const res = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}

function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

// Discord's locales as its client names them in its language picker.
const LOCALE_NAMES = {
  'id': 'Bahasa Indonesia', 'da': 'Dansk', 'de': 'Deutsch', 'en-GB': 'English, UK', 'en-US': 'English, US', 'es-ES': 'Español',
  'es-419': 'Español, LATAM', 'fr': 'Français', 'hr': 'Hrvatski', 'it': 'Italiano', 'lt': 'Lietuviškai', 'hu': 'Magyar', 'nl': 'Nederlands',
  'no': 'Norsk', 'pl': 'Polski', 'pt-BR': 'Português do Brasil', 'ro': 'Română', 'fi': 'Suomi', 'sv-SE': 'Svenska', 'vi': 'Tiếng Việt',
  'tr': 'Türkçe', 'cs': 'Čeština', 'el': 'Ελληνικά', 'bg': 'български', 'ru': 'Pусский', 'uk': 'Українська', 'hi': 'हिन्दी', 'th': 'ไทย',
  'zh-CN': '中文', 'ja': '日本語', 'zh-TW': '繁體中文', 'ko': '한국어',
};

// localized is a command's, option's or choice's field as Discord's
// client shows it to the member: its localization for the member's
// locale, else the field itself.
function localized(x, field) {
  const l = x[field + '_localizations'];
  return (l && l[state.locale]) || x[field];
}
const localName = (x) => localized(x, 'name');
const localDesc = (x) => localized(x, 'description');
// byName finds the definition typed as t: by its name, or by its name in
// the member's language.
const byName = (defs, t) => defs.find((o) => o.name === t) || defs.find((o) => localName(o) === t);

function nameOfChannel(id) {
  for (const g of state.info.guilds) for (const c of g.channels) if (c.id === id) return c.name;
  for (const t of state.info.threads || []) if (t.id === id) return t.name;
  return 'channel';
}

// md renders the Discord markdown filmbot uses.
function md(text) {
  // A backslash before punctuation shows it as itself, outside any markup
  // (the bot escapes review text so): set those aside first.
  const kept = [];
  text = String(text || '').replace(/\\([!-\/:-@\[-`{-~])/g, (m, c) => { kept.push(c); return String.fromCharCode(0xE000 + kept.length - 1); });
  // A list item's marker (- or * and a space, at the start of a line)
  // is set aside too, so that its * is not read as italics.
  text = text.replace(/^(\s*)[-*] (?=\S)/gm, '$1\uE8FF ');
  let h = esc(text);
  h = h.replace(/\|\|([\s\S]+?)\|\|/g, '<span class="spoiler" title="Spoiler: click to reveal">$1</span>');
  h = h.replace(/\*\*([\s\S]+?)\*\*/g, '<b>$1</b>');
  h = h.replace(/(^|[^*])\*([^*\n]+?)\*/g, '$1<i>$2</i>');
  h = h.replace(/`([^`]+)`/g, '<code>$1</code>');
  h = h.replace(/&lt;@&amp;(\d+)&gt;/g, (m, id) => `<span class="mention">@${esc(roleName(id))}</span>`);
  h = h.replace(/&lt;@!?(\d+)&gt;/g, (m, id) => `<span class="mention" data-user="${id}">@${esc(memberName(id))}</span>`);
  h = h.replace(/&lt;#(\d+)&gt;/g, (m, id) => `<span class="mention">#${esc(nameOfChannel(id))}</span>`);
  // A relative time is filled in as it is drawn, and kept up to date.
  h = h.replace(/&lt;t:(-?\d+)(?::([tTdDfFR]))?&gt;/g, (m, t, style = 'f') => `<span class="ts" data-t="${t}" data-s="${style}" title="${esc(timestamp(Number(t), 'F'))}">${style === 'R' ? '' : esc(timestamp(Number(t), style))}</span>`);
  // Links: masked [text](url), <url> (no preview) and bare; only http(s).
  h = h.replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)|&lt;(https?:\/\/[^\s]+?)&gt;|(https?:\/\/[^\s<]*[^\s<.,:;!?)\]])/g, (m, text, url, angled, bare) => {
    const u = url || angled || bare;
    return `<a class="link" href="${u}" target="_blank" rel="noopener">${text || u}</a>`;
  });
  // A quote, a heading (# ## ###), subtext (-#) and a list item (- or *)
  // are blocks that end their own line: the newline after one is not
  // drawn again (or a blank line after a quote would show as two).
  h = h.split('\n').map((l) => {
    if (l.startsWith('&gt; ')) return `<blockquote>${l.slice(5)}</blockquote>`;
    let b = /^(#{1,3}) (.+)$/.exec(l);
    if (b) return `<div class="md-h${b[1].length}">${b[2]}</div>`;
    if ((b = /^-# (.+)$/.exec(l))) return `<div class="md-sub">${b[1]}</div>`;
    if ((b = /^(\s*)\uE8FF (.+)$/.exec(l))) return `<div class="md-li${b[1].length >= 2 ? ' nested' : ''}">${b[2]}</div>`;
    return l + '\n';
  }).join('').replace(/\n$/, '');
  return h.replace(/[\uE000-\uE8FE]/g, (c) => esc(kept[c.charCodeAt(0) - 0xE000] ?? ''));
}

// timestamp renders <t:unix:style> as Discord's client does, in the
// reader's locale and time zone: t 4:20 PM, T 4:20:30 PM, d 04/20/2021,
// D April 20, 2021, f April 20, 2021 4:20 PM, F Tuesday, April 20, 2021
// 4:20 PM, R in 2 hours / 3 days ago.
function timestamp(unix, style, now = Date.now()) {
  const d = new Date(unix * 1000);
  const fmt = (o) => d.toLocaleString(state.locale, o);
  const t = fmt({ hour: 'numeric', minute: '2-digit' });
  const D = fmt({ year: 'numeric', month: 'long', day: 'numeric' });
  switch (style) {
    case 't': return t;
    case 'T': return fmt({ hour: 'numeric', minute: '2-digit', second: '2-digit' });
    case 'd': return fmt({ year: 'numeric', month: '2-digit', day: '2-digit' });
    case 'D': return D;
    case 'F': return `${fmt({ weekday: 'long' })}, ${D} ${t}`;
    case 'R': return state.locale.startsWith('en') ? relative(d.getTime() - now) : relativeIn(state.locale, d.getTime() - now);
    default: return `${D} ${t}`;
  }
}

// relative words a span of time as Discord's client does: "in a few
// seconds", "in a minute", "in 14 hours", "a day ago", "3 months ago".
function relative(ms) {
  const s = Math.abs(ms) / 1000, m = s / 60, h = m / 60, d = h / 24;
  let w;
  if (s < 45) w = 'a few seconds';
  else if (s < 90) w = 'a minute';
  else if (m < 45) w = `${Math.round(m)} minutes`;
  else if (m < 90) w = 'an hour';
  else if (h < 22) w = `${Math.round(h)} hours`;
  else if (h < 36) w = 'a day';
  else if (d < 26) w = `${Math.round(d)} days`;
  else if (d < 45) w = 'a month';
  else if (d < 320) w = `${Math.round(d / 30.4375)} months`;
  else if (d < 548) w = 'a year';
  else w = `${Math.round(d / 365.25)} years`;
  return ms >= 0 ? `in ${w}` : `${w} ago`;
}

// relativeIn words a span of time in another language, as Discord's
// client does in it ("через 14 часов", "vor 3 Tagen").
function relativeIn(locale, ms) {
  const f = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const s = ms / 1000, a = Math.abs(s);
  if (a < 45) return f.format(Math.round(s), 'second');
  if (a < 45 * 60) return f.format(Math.round(s / 60), 'minute');
  if (a < 22 * 3600) return f.format(Math.round(s / 3600), 'hour');
  if (a < 26 * 86400) return f.format(Math.round(s / 86400), 'day');
  if (a < 320 * 86400) return f.format(Math.round(s / 86400 / 30.4375), 'month');
  return f.format(Math.round(s / 86400 / 365.25), 'year');
}

// tick brings every relative time on the page up to date.
function tick(root = document) {
  root.querySelectorAll('.ts[data-s="R"]').forEach((el) => {
    const text = timestamp(Number(el.dataset.t), 'R');
    if (el.textContent !== text) el.textContent = text;
  });
}

function roleName(id) {
  for (const g of state.info.guilds) {
    if (g.id === id) return 'everyone';
    for (const r of g.roles || []) if (r.id === id) return r.name;
  }
  return 'role';
}

function memberName(id) {
  const m = (state.info.members || []).find((x) => x.user_id === id);
  return m ? m.name : 'member ' + id.slice(-4);
}

function renderEmbed(e, msg) {
  const colour = e.color ? '#' + e.color.toString(16).padStart(6, '0') : '#202225';
  let h = `<div class="embed" style="border-left-color:${colour}">`;
  // A thumbnail (a film's poster) sits at the top right, as in Discord.
  if (e.thumbnail && /^https?:\/\//.test(e.thumbnail.url || '')) h += `<img class="thumb" src="${esc(e.thumbnail.url)}" alt="poster">`;
  if (e.author) h += `<div class="author">${esc(e.author.name)}</div>`;
  if (e.title && /^https?:\/\//.test(e.url || '')) h += `<div class="title"><a href="${esc(e.url)}" target="_blank" rel="noopener">${md(e.title)}</a></div>`;
  else if (e.title) h += `<div class="title">${md(e.title)}</div>`;
  if (e.description) h += `<div class="desc">${md(e.description)}</div>`;
  if (e.fields && e.fields.length) {
    h += '<div class="fields">';
    for (const f of e.fields) h += `<div class="field${f.inline ? ' inline' : ''}"><div class="fname">${md(f.name)}</div><div class="content">${md(f.value)}</div></div>`;
    h += '</div>';
  }
  if (e.image && e.image.url) {
    const url = mediaURL(e.image.url, msg);
    if (url) h += `<img src="${esc(url)}" alt="chart">`;
  }
  if (e.footer) h += `<div class="footer">${md(e.footer.text)}</div>`;
  return h + '</div>';
}

// renderAttachments shows a message's files as Discord does: images
// inline, any other file as a card with its name, size and a download
// link. A file an embed shows (attachment://name) is not shown twice.
function renderAttachments(m) {
  const shown = new Set();
  for (const e of m.embeds || []) for (const x of [e.image, e.thumbnail]) if (x && x.url && x.url.startsWith('attachment://')) shown.add(x.url.slice(13));
  let h = '';
  for (const a of m.attachments || []) {
    if (shown.has(a.filename)) continue;
    const url = new URL(a.url, location.href).pathname;
    if (/^image\//.test(a.content_type || '') || /\.(png|jpe?g|gif|webp)$/i.test(a.filename)) {
      h += `<a class="attachment-image" href="${esc(url)}" target="_blank" rel="noopener"><img src="${esc(url)}" alt="${esc(a.filename)}"></a>`;
      continue;
    }
    h += fileCard(a);
  }
  return h;
}

// fileCard is a file as Discord shows one: its name, its size and a
// download link.
function fileCard(a, spoiler) {
  const url = new URL(a.url, location.href).pathname;
  return `<div class="file${spoiler ? ' spoiler-file' : ''}"><span class="file-icon" aria-hidden="true">📄</span><span class="file-info"><a class="file-name" href="${esc(url)}" download="${esc(a.filename)}">${esc(a.filename)}</a><span class="file-size">${esc(fileSize(a.size || 0))}</span></span>`
    + `<a class="file-download" href="${esc(url)}" download="${esc(a.filename)}" title="Download">⤓</a></div>`;
}

// mediaURL is where the page loads a component's or an embed's media
// from: a file sent with the message (attachment://name) from the
// sandbox, an http(s) URL as it is; anything else not at all.
function mediaURL(url, msg) {
  url = String(url || '');
  if (url.startsWith('attachment://')) {
    const a = (msg.attachments || []).find((x) => x.filename === url.slice(13));
    return a ? new URL(a.url, location.href).pathname : '';
  }
  return /^https?:\/\//.test(url) ? url : '';
}

// fileSize words a size as Discord's client does: 512 bytes, 1.21 KB.
function fileSize(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(2)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

function renderComponents(msg) {
  let h = '';
  for (const row of msg.components || []) h += renderRow(row, msg);
  return h;
}

// renderRow is an action row: its buttons and menus, clicked and chosen
// in through the sandbox (the page's click and change handlers), wherever
// the row is (at the top of a message or inside a layout card).
function renderRow(row, msg) {
  let h = '<div class="row">';
  for (const c of row.components || []) {
    if (c.type === 2) h += renderButton(c, msg);
    else if (c.type === 3) {
      h += `<select data-msg="${msg.id}" data-id="${esc(c.custom_id)}" ${c.disabled ? 'disabled' : ''}><option value="">${esc(c.placeholder || 'Choose')}</option>`;
      for (const o of c.options || []) h += `<option value="${esc(o.value)}">${esc(o.label)}</option>`;
      h += '</select>';
    }
  }
  return h + '</div>';
}

// renderButton: a link button (style 5) opens its URL; any other sends
// its custom_id when clicked.
function renderButton(c, msg) {
  const label = (c.emoji && c.emoji.name ? esc(c.emoji.name) + ' ' : '') + esc(c.label || '');
  if (c.style === 5) return `<a class="btn secondary link-btn" href="${esc(/^https?:\/\//.test(c.url || '') ? c.url : '#')}" target="_blank" rel="noopener">${label} ↗</a>`;
  const style = { 1: 'primary', 2: 'secondary', 3: 'success', 4: 'danger' }[c.style] || 'secondary';
  return `<button class="btn ${style}" data-msg="${msg.id}" data-id="${esc(c.custom_id || '')}" ${c.disabled ? 'disabled' : ''}>${label}</button>`;
}

// IS_COMPONENTS_V2 is the message flag of a layout card: the message is
// its components alone (no content, no embeds), and its files show only
// where a component shows them.
const IS_COMPONENTS_V2 = 1 << 15;

// renderLayout draws one of a layout card's components as Discord's
// client does: a container (17) a card with its accent colour bar on the
// left, hidden whole behind SPOILER until clicked when marked so; a
// section (9) its text beside its accessory (a thumbnail or a button) on
// the right; text displays (10) in markdown; separators (14) a divider
// line or a gap, small or large; a media gallery (12) its images in a
// grid; a file (13) the message's file as a card; action rows (1) as in
// any message.
function renderLayout(c, msg) {
  switch (c.type) {
    case 1: return renderRow(c, msg);
    case 2: return renderButton(c, msg);
    case 9: {
      const text = (c.components || []).map((x) => renderLayout(x, msg)).join('');
      const acc = c.accessory ? `<div class="section-accessory">${renderLayout(c.accessory, msg)}</div>` : '';
      return `<div class="section"><div class="section-text">${text}</div>${acc}</div>`;
    }
    case 10: return `<div class="text-display">${md(c.content)}</div>`;
    case 11: {
      const url = mediaURL(c.media && c.media.url, msg);
      return url ? `<img class="thumbnail${c.spoiler ? ' spoiler-media' : ''}" src="${esc(url)}" alt="${esc(c.description || 'thumbnail')}">` : '';
    }
    case 12: {
      const items = (c.items || []).map((it) => ({ it, url: mediaURL(it.media && it.media.url, msg) })).filter((x) => x.url);
      return `<div class="gallery n${Math.min(items.length, 3)}">` + items.map(({ it, url }) =>
        `<a href="${esc(url)}" target="_blank" rel="noopener"><img class="${it.spoiler ? 'spoiler-media' : ''}" src="${esc(url)}" alt="${esc(it.description || 'image')}"></a>`).join('') + '</div>';
    }
    case 13: {
      const url = String((c.file && c.file.url) || '');
      const a = url.startsWith('attachment://') && (msg.attachments || []).find((x) => x.filename === url.slice(13));
      return a ? fileCard(a, c.spoiler) : '';
    }
    case 14: return `<div class="separator ${c.spacing === 2 ? 'large' : 'small'}">${c.divider === false ? '' : '<hr>'}</div>`;
    case 17: {
      const bar = c.accent_color != null ? ` style="border-left-color:#${Number(c.accent_color).toString(16).padStart(6, '0')}"` : '';
      const inner = (c.components || []).map((x) => renderLayout(x, msg)).join('');
      const cls = `container${c.accent_color != null ? ' accent' : ''}`;
      if (c.spoiler) return `<div class="${cls} spoiler-box" title="Spoiler: click to reveal"${bar}><div class="spoiler-inner" inert>${inner}</div><span class="spoiler-label">Spoiler</span></div>`;
      return `<div class="${cls}"${bar}>${inner}</div>`;
    }
    default: return '';
  }
}

// renderPoll draws a native poll: its answers with their votes; clicking
// one votes (again, to change it) until it closes.
function renderPoll(m) {
  const p = m.poll;
  const counts = {};
  for (const c of (p.results && p.results.answer_counts) || []) counts[c.id] = c.count;
  const closed = p.results && p.results.is_finalized;
  let h = `<div class="poll"><div class="question">📊 ${esc(p.question.text)}</div>`;
  for (const a of p.answers || []) {
    const n = counts[a.answer_id] || 0;
    h += `<button class="vote" data-msg="${m.id}" data-answer="${a.answer_id}" ${closed ? 'disabled' : ''}>${esc(a.poll_media.text)} <span class="votes">${n} vote${n === 1 ? '' : 's'}</span></button>`;
  }
  const when = Math.floor(new Date(p.expiry).getTime() / 1000);
  // Its host may end it early, as a poll's author may in Discord.
  const end = !closed && m.poll_host && m.poll_host === state.member.user_id ? ` · <button class="end-poll" data-end="${m.id}" title="/movienight close">End poll now</button>` : '';
  return h + `<div class="footer">${closed ? 'Poll closed' : `Closes <span class="ts" data-t="${when}" data-s="R"></span>`}${end}</div></div>`;
}

function renderMessage(m) {
  const bot = !m.author || m.author.bot;
  const name = bot ? 'filmbot' : (m.author.global_name || m.author.username);
  let h = `<div class="msg${m.thread_starter ? ' starter' : ''}" data-id="${m.id}"><div class="avatar${bot ? '' : ' user'}">${bot ? 'fb' : esc(name.slice(0, 2))}</div><div class="body">`;
  if (m.invocation) h += `<div class="invocation">↳ ${esc(m.invocation)}</div>`;
  const uid = bot ? state.info.bot.id : m.author.id;
  h += `<div><span class="name" data-user="${esc(uid)}">${esc(name)}</span>${bot ? '<span class="tag">BOT</span>' : ''}</div>`;
  if (m.thinking) h += '<div class="thinking">filmbot is thinking…</div>';
  if (m.flags & IS_COMPONENTS_V2) {
    h += `<div class="layout">${(m.components || []).map((c) => renderLayout(c, m)).join('')}</div>`;
  } else {
    if (m.content) h += `<div class="content">${md(m.content)}</div>`;
    h += renderAttachments(m);
    for (const e of m.embeds || []) h += renderEmbed(e, m);
    if (m.poll) h += renderPoll(m);
    h += renderComponents(m);
  }
  if (m.thread_id) h += `<div class="thread-link" data-thread="${m.thread_id}">🧵 Thread: ${esc(nameOfChannel(m.thread_id))}</div>`;
  if (m.flags & 64) h += '<div class="ephemeral-note">👁 Only you can see this</div>';
  return h + '</div></div>';
}

// The message list is updated in place: a message is drawn again only
// when it is new or has changed, so what a member is clicking, reading or
// choosing in stays where it is while the list is polled.
const drawn = new Map(); // message id → { html, el }
let lastChannels = '';
async function refresh() {
  if (!state.channel) return;
  // A view is one member in one channel: an answer for the view before a
  // switch must not be drawn in the new one.
  const view = state.view;
  try {
    const [msgs, viol, info] = await Promise.all([
      api(`/_sandbox/channels/${state.channel}/messages?user=${state.member.user_id}`),
      api('/_sandbox/violations'),
      api('/_sandbox/info'),
    ]);
    if (view !== state.view) return;
    state.info.threads = info.threads;
    const evs = (info.events || []).filter((e) => e.guild_id === state.member.guild_id);
    const evHTML = evs.length ? evs.map((e) => `<li>📅 ${esc(e.name)}<br><span>${esc(new Date(e.scheduled_start_time).toLocaleString())} · ${['', 'scheduled', 'live', 'ended', 'canceled'][e.status] || ''}</span></li>`).join('') : '<li class="none">No event scheduled.</li>';
    if ($('events').innerHTML !== evHTML) $('events').innerHTML = evHTML;
    drawMessages(msgs);
    const ch = JSON.stringify(info.threads);
    if (ch !== lastChannels) { lastChannels = ch; renderChannels(); }
    const vHTML = viol.length ? viol.map((v) => `<li>${esc(v.what)}</li>`).join('') : '<li class="none">None: every answer passed Discord\'s checks.</li>';
    if ($('violations').innerHTML !== vHTML) $('violations').innerHTML = vHTML;
    $('messages').dataset.view = String(view);
  } catch (e) { console.error(e); }
}

// drawMessages brings the list to msgs (oldest first), touching only the
// messages that are new, edited or gone.
function drawMessages(msgs) {
  const box = $('messages');
  let added = false;
  const keep = new Set(msgs.map((m) => m.id));
  for (const [id, d] of drawn) if (!keep.has(id)) { d.el.remove(); drawn.delete(id); }
  const empty = box.querySelector('.empty');
  if (msgs.length && empty) empty.remove();
  if (!msgs.length && !empty) box.insertAdjacentHTML('beforeend', '<div class="empty">No messages here yet.</div>');
  let prev = null;
  for (const m of msgs) {
    const html = renderMessage(m);
    let d = drawn.get(m.id);
    if (!d || d.html !== html) {
      const t = document.createElement('div');
      t.innerHTML = html;
      const el = t.firstElementChild;
      if (d) {
        // Spoilers a member revealed stay revealed through an edit.
        for (const sel of ['.spoiler', '.spoiler-box']) {
          const revealed = new Set([...d.el.querySelectorAll(sel + '.revealed')].map((s) => s.textContent));
          el.querySelectorAll(sel).forEach((s) => { if (revealed.has(s.textContent)) reveal(s); });
        }
        d.el.replaceWith(el);
      } else added = true;
      d = { html, el };
      drawn.set(m.id, d);
    }
    const want = prev ? prev.nextSibling : box.firstChild;
    if (d.el !== want) box.insertBefore(d.el, want);
    prev = d.el;
  }
  tick(box);
  if (added) state.stick = true;
  if (state.stick) toBottom();
}

function renderChannels() {
  const g = state.info.guilds.find((x) => x.id === state.member.guild_id);
  let h = '';
  if (!g) h = `<div class="chan active"># direct message</div>`;
  else {
    for (const c of g.channels) {
      h += `<div class="chan${c.id === state.channel ? ' active' : ''}" data-chan="${c.id}">${c.type === 2 || c.type === 13 ? '🔊' : '#'} ${esc(c.name)}</div>`;
      for (const t of (state.info.threads || []).filter((t) => t.parent_id === c.id)) h += `<div class="chan thread${t.id === state.channel ? ' active' : ''}" data-chan="${t.id}">🧵 ${esc(t.name)}</div>`;
    }
  }
  $('channels').innerHTML = h;
  const thread = (state.info.threads || []).some((t) => t.id === state.channel);
  $('channel-title').textContent = g ? (thread ? '🧵 ' : '# ') + nameOfChannel(state.channel) : 'Direct message with filmbot';
}

// clearMessages empties the list for a new view.
function clearMessages() {
  drawn.clear();
  state.stick = true;
  $('messages').innerHTML = '';
  delete $('messages').dataset.view;
  document.body.dataset.view = String(state.view);
}

function setChannel(id) {
  state.channel = id;
  state.view++;
  clearMessages();
  renderChannels();
  refresh();
}

function chooseMember() {
  const gid = $('guild').value;
  showGuildLocale(gid);
  const list = state.info.members.filter((m) => (m.guild_id || '') === gid);
  $('member').innerHTML = list.map((m, k) => `<option value="${k}">${esc(m.name)}${m.role ? ' — ' + esc(m.role) : ''}</option>`).join('');
  state.members = list;
  pickMember();
}

async function pickMember() {
  state.channel = null; // nothing is drawn until the member's view is set
  state.member = { ...state.members[Number($('member').value) || 0], locale: state.locale };
  showVoice(state.member.guild_id || '');
  state.view++;
  clearMessages();
  state.commands = await api(`/_sandbox/commands?guild=${state.member.guild_id || ''}`);
  setChannel(state.member.channel_id);
}

// showGuildLocale shows the server's language in its picker (none in a
// DM).
function showGuildLocale(gid) {
  const g = state.info.guilds.find((x) => x.id === gid);
  $('guild-locale-box').hidden = !g;
  if (g) $('guild-locale').value = g.locale || 'en-US';
  showVoice(gid);
}

// voiceChannel is a server's first voice channel, if it has one.
function voiceChannel(gid) {
  const g = state.info.guilds.find((x) => x.id === gid);
  const c = g && (g.channels || []).find((x) => x.type === 2 || x.type === 13);
  return c ? c.id : '';
}

// showVoice shows whether the member is in the server's voice channel
// (the gateway tells the bot: /recommend group:voice).
function showVoice(gid) {
  const ch = voiceChannel(gid);
  $('voice-box').hidden = !ch;
  const uid = state.member && state.member.user_id;
  $('voice').checked = !!(ch && uid && ((state.info.voice || {})[gid] || {})[uid] === ch);
}

// setLocale is the member's Discord language: the command list and its
// options show in it, and their interactions carry it.
function setLocale(l) {
  state.locale = l;
  localStorage.setItem('filmbot.locale', l);
  document.body.dataset.locale = l;
  if (state.member) state.member.locale = l;
  $('locale').value = l;
  state.picks = {};
  onInput();
}

// note shows a short message under the composer, as Discord's client
// does for what it will not send.
function note(text) {
  const n = $('note');
  n.textContent = text;
  n.hidden = !text;
  clearTimeout(note.timer);
  if (text) note.timer = setTimeout(() => { n.hidden = true; }, 6000);
}

// act sends an interaction as the current member, waits for the answer,
// and opens a modal if the bot answered with one.
async function act(path, body) {
  const member = { ...state.member, channel_id: state.channel };
  try {
    const { id } = await api(path, { member, ...body });
    const ans = await api(`/_sandbox/interactions/${id}?wait=6s`);
    if (ans.modal) openModal(ans);
    return ans;
  } catch (e) {
    const m = e.message || '';
    if (/not on the message|disabled|unknown message/i.test(m)) note('That button has changed since: use the message as it is now.');
    else note('Not sent: ' + m.replace(/^sandbox: /, ''));
  } finally {
    refresh();
  }
}

// click acts on a button or menu once: a double click sends one click,
// as Discord's client does while the first is on its way.
async function click(key, path, body) {
  if (state.busy.has(key)) { note('One moment: that is still on its way.'); return; }
  state.busy.add(key);
  try { await act(path, body); } finally { state.busy.delete(key); }
}

// --- the composer: command list, options and live autocomplete ---

// tokenize splits a line as the sandbox does: on spaces, with "…" or '…'
// keeping a value whole. An unclosed quote runs to the end (still typing).
function tokenize(line) {
  const toks = [];
  let cur = null, quote = '';
  for (let k = 0; k < line.length; k++) {
    const c = line[k];
    if (quote) { if (c === quote) quote = ''; else cur.text += c; continue; }
    if (c === '"' || c === "'") { quote = c; if (!cur) cur = { text: '', start: k }; continue; }
    if (/\s/.test(c)) { if (cur) { toks.push(cur); cur = null; } continue; }
    if (!cur) cur = { text: '', start: k };
    cur.text += c;
  }
  if (cur) toks.push(cur);
  const open = quote !== '';
  const trailing = !open && /\s$/.test(line);
  return { toks, open, trailing };
}

// visible tells whether this member's Discord would list command c: a
// slash command, not a server-only command in a DM, and not one hidden by its
// default_member_permissions from a member without them.
function visible(c) {
  if (c.type === 2 || c.type === 3) return false; // right-click commands: under Apps
  const m = state.member;
  const dm = !m.guild_id;
  if (dm && c.contexts && !c.contexts.some((x) => x === 1 || x === 2)) return false;
  if (dm && c.dm_permission === false) return false;
  if (c.default_member_permissions == null || dm) return true;
  const need = BigInt(c.default_member_permissions);
  const has = BigInt(m.permissions || 0);
  return (has & 8n) === 8n || (need !== 0n && (has & need) === need);
}

// parse reads a line against the command definitions: the command, its
// subcommands, the options given (name → typed text) and the definitions
// of the options the leaf takes.
function parse(line) {
  const { toks, open, trailing } = tokenize(line);
  if (!toks.length || !toks[0].text.startsWith('/')) return null;
  const typed = toks[0].text.slice(1);
  const cmd = byName(state.commands.filter(visible), typed);
  const out = { cmd, toks, open, trailing, path: [], given: {}, defs: cmd ? (cmd.options || []) : [] };
  for (const t of toks.slice(1)) {
    const colon = t.text.indexOf(':');
    if (colon < 0) {
      const sub = byName(out.defs.filter((o) => o.type === 1 || o.type === 2), t.text);
      if (sub) { out.path.push(sub.name); out.defs = sub.options || []; }
      continue;
    }
    // Options are kept by their names, however they were typed.
    const d = byName(out.defs, t.text.slice(0, colon));
    out.given[d ? d.name : t.text.slice(0, colon)] = t.text.slice(colon + 1);
  }
  return out;
}

function quoted(v) {
  v = String(v);
  if (v !== '' && !/[\s"']/.test(v)) return v;
  return v.includes('"') ? `'${v}'` : `"${v}"`;
}

// wire is the line as it goes to the sandbox: each picked suggestion
// replaced by its value (what Discord sends), every value quoted whole.
// A member, channel or role option goes as the id of what was picked;
// partial (while suggestions are asked for) leaves out one not picked yet.
function wire(p, partial) {
  let line = '/' + p.cmd.name;
  for (const w of p.path) line += ' ' + w;
  for (const [name, typed] of Object.entries(p.given)) {
    const pick = state.picks[name];
    const d = p.defs.find((o) => o.name === name);
    let value = pick && pick.shown === typed ? pick.value : typed;
    const choice = d && d.choices && !(pick && pick.shown === typed) && (d.choices.find((c) => localName(c) === typed) || d.choices.find((c) => c.name === typed));
    if (choice) value = choice.value;
    if (d && PICKED[d.type]) {
      value = mentionID(d, name, typed);
      if (!value && partial) continue;
    }
    line += ' ' + name + ':' + quoted(value);
  }
  return line;
}

// Option types Discord's client fills from a picker, and what they name.
const PICKED = { 6: 'member', 7: 'channel', 8: 'role', 9: 'member or role' };

// mentionChoices are what the picker offers for option d: the server's
// members (the role each has beside the name), its channels of the kinds
// d takes, its roles; those whose name starts with what was typed.
function mentionChoices(d, typed) {
  const q = String(typed || '').replace(/^[@#]/, '').toLowerCase();
  const gid = state.member.guild_id || '';
  const g = state.info.guilds.find((x) => x.id === gid);
  const out = [];
  if (d.type === 6 || d.type === 9) {
    const seen = new Set();
    for (const m of state.info.members) {
      if ((m.guild_id || '') !== gid || seen.has(m.user_id)) continue;
      seen.add(m.user_id);
      out.push({ id: m.user_id, name: m.name, shown: '@' + m.name, desc: m.role || '' });
    }
  }
  if ((d.type === 8 || d.type === 9) && g) {
    for (const r of [{ id: g.id, name: '@everyone' }, ...(g.roles || [])]) out.push({ id: r.id, name: r.name.replace(/^@/, ''), shown: r.name.startsWith('@') ? r.name : '@' + r.name, desc: 'role' });
  }
  if (d.type === 7 && g) {
    for (const c of g.channels) {
      if (d.channel_types && d.channel_types.length && !d.channel_types.includes(c.type || 0)) continue;
      out.push({ id: c.id, name: c.name, shown: '#' + c.name, desc: CHANNEL_KIND[c.type || 0] || 'channel' });
    }
  }
  return out.filter((c) => c.name.toLowerCase().startsWith(q));
}

const CHANNEL_KIND = { 0: 'text channel', 2: 'voice channel', 13: 'stage channel' };

// mentionID is the id option name names: the one picked, an id typed
// as is, or the one whose name was typed whole ('Mo', '@Mo', '#general').
function mentionID(d, name, typed) {
  const pick = state.picks[name];
  if (pick && pick.shown === typed) return pick.value;
  if (/^\d{15,20}$/.test(typed)) return typed;
  const q = String(typed).replace(/^[@#]/, '').toLowerCase();
  const whole = mentionChoices(d, q).filter((c) => c.name.toLowerCase() === q);
  return whole.length === 1 ? whole[0].id : '';
}

// check refuses, as Discord's client does, a line it would not send: a
// missing required option, a number out of its range, an unknown option.
function check(p) {
  if (!p || !p.cmd) return 'Pick a command from the list.';
  if (p.defs.some((o) => o.type === 1 || o.type === 2)) return `Choose what to do: ${p.defs.map(localName).join(', ')}.`;
  for (const [name, typed] of Object.entries(p.given)) {
    const d = p.defs.find((o) => o.name === name);
    if (!d) return `/${p.cmd.name} has no option ${name}.`;
    if (PICKED[d.type] && typed !== '' && !mentionID(d, name, typed)) return `Pick a ${PICKED[d.type]} for ${name}: from the list.`;
    if (d.type === 4 || d.type === 10) {
      const n = Number(typed);
      if (typed === '' || !Number.isFinite(n) || (d.type === 4 && !Number.isInteger(n))) return `${name} takes ${d.type === 4 ? 'a whole number' : 'a number'}.`;
      if (d.min_value != null && n < d.min_value) return `${name} is at least ${d.min_value}.`;
      if (d.max_value != null && n > d.max_value) return `${name} is at most ${d.max_value}.`;
    }
  }
  const missing = p.defs.filter((o) => o.required && !(o.name in p.given && p.given[o.name] !== ''));
  if (missing.length) return `Fill in ${missing.map((o) => localName(o) + ':').join(' ')} first.`;
  return '';
}

async function onInput() {
  // Typing anything cancels suggestions still on their way: a late answer
  // for an earlier state of the line must not reopen the list.
  const seq = ++state.acSeq;
  const line = $('input').value;
  const pal = $('palette');
  if (!line.startsWith('/')) { pal.hidden = true; return; }
  if (!/\s/.test(line)) {
    const q = line.slice(1);
    state.picks = {};
    showPalette('Commands', state.commands.filter((c) => visible(c) && (localName(c).startsWith(q) || c.name.startsWith(q))).map((c) => ({ label: '/' + localName(c), desc: localDesc(c), insert: '/' + localName(c) + ' ' })));
    return;
  }
  const p = parse(line);
  if (!p || !p.cmd) { pal.hidden = true; return; }
  const cur = p.trailing ? null : p.toks[p.toks.length - 1];
  const last = cur && cur !== p.toks[0] ? cur.text : '';
  const base = cur && cur !== p.toks[0] ? line.slice(0, cur.start) : line;
  const subs = p.defs.filter((o) => o.type === 1 || o.type === 2);
  if (subs.length) {
    showPalette('Subcommands', subs.filter((o) => localName(o).startsWith(last) || o.name.startsWith(last)).map((o) => ({ label: localName(o), desc: localDesc(o), insert: base + localName(o) + ' ' })));
    return;
  }
  const colon = last.indexOf(':');
  if (colon < 0) {
    const given = new Set(Object.keys(p.given));
    const left = p.defs.filter((o) => !given.has(o.name) && (localName(o).startsWith(last) || o.name.startsWith(last)));
    // Enter takes an option only while a required one is missing;
    // otherwise it sends the line.
    showPalette('Options', left.map((o) => ({ label: localName(o) + ':', desc: (o.required ? '' : '(optional) ') + localDesc(o), insert: base + localName(o) + ':', option: o })), left.some((o) => o.required) || last !== '');
    return;
  }
  const optName = last.slice(0, colon);
  const opt = byName(p.defs, optName);
  if (opt && opt.type === 11) { pal.hidden = true; $('file').dataset.option = opt.name; $('file').click(); return; }
  if (opt && PICKED[opt.type]) {
    const typed = last.slice(colon + 1);
    showPalette(`${PICKED[opt.type][0].toUpperCase() + PICKED[opt.type].slice(1)}s`, mentionChoices(opt, typed).map((c) => ({ label: c.shown, desc: c.desc, insert: `${base}${optName}:${quoted(c.shown)} `, pick: { name: opt.name, shown: c.shown, value: c.id } })));
    return;
  }
  // An option's own choices, in the member's language; the value goes.
  if (opt && opt.choices && opt.choices.length) {
    const typed = last.slice(colon + 1).toLowerCase();
    showPalette(`Choices for ${optName}`, opt.choices.filter((c) => localName(c).toLowerCase().startsWith(typed)).map((c) => ({ label: localName(c), desc: '', insert: `${base}${optName}:${quoted(localName(c))} `, pick: { name: opt.name, shown: localName(c), value: c.value } })));
    return;
  }
  if (!opt || !opt.autocomplete) { pal.hidden = true; return; }
  await new Promise((r) => setTimeout(r, 120));
  if (seq !== state.acSeq) return;
  try {
    const member = { ...state.member, channel_id: state.channel };
    const { id } = await api('/_sandbox/interactions', { member, line: wire(p, true), autocomplete: opt.name });
    const ans = await api(`/_sandbox/interactions/${id}?wait=3s`);
    if (seq !== state.acSeq) return;
    showPalette(`Suggestions for ${optName}`, (ans.choices || []).map((c) => ({ label: localName(c), desc: '', insert: `${base}${optName}:${quoted(localName(c))} `, pick: { name: opt.name, shown: localName(c), value: c.value } })));
  } catch (e) {
    if (seq === state.acSeq) pal.hidden = true;
  } finally {
    // How many suggestion requests have come back (shown or dropped).
    document.body.dataset.suggested = String(++state.acDone);
  }
}

function showPalette(head, items, enterTakes = true) {
  const pal = $('palette');
  state.palette = items;
  state.palSel = 0;
  state.enterTakes = enterTakes;
  if (!items.length) { pal.hidden = true; return; }
  pal.innerHTML = `<div class="pal-head">${esc(head)}</div>` + items.map((it, k) => `<div class="pal-item${k === 0 ? ' sel' : ''}" data-k="${k}">${esc(it.label)}<span class="desc">${esc(it.desc || '')}</span></div>`).join('');
  pal.hidden = false;
}

function takePalette(k) {
  const it = state.palette[k];
  if (!it) return;
  if (it.pick) state.picks[it.pick.name] = { shown: it.pick.shown, value: it.pick.value };
  $('input').value = it.insert;
  $('palette').hidden = true;
  $('input').focus();
  onInput();
}

// A file option opens the file picker; the file is uploaded as Discord's
// client uploads an attachment, and the option names it.
$('file').addEventListener('change', async () => {
  const f = $('file').files[0];
  const name = $('file').dataset.option || 'file';
  $('file').value = '';
  state.acSeq++; // suggestions on their way would replace the file
  $('palette').hidden = true;
  if (!f) return;
  const data = await new Promise((res, rej) => { const r = new FileReader(); r.onload = () => res(String(r.result).split(',')[1] || ''); r.onerror = rej; r.readAsDataURL(f); });
  try {
    const a = await api('/_sandbox/upload', { filename: f.name, content_type: f.type, data });
    const input = $('input');
    const p = tokenize(input.value);
    const cur = p.trailing ? null : p.toks[p.toks.length - 1];
    const base = cur ? input.value.slice(0, cur.start) : input.value;
    state.picks[name] = { shown: f.name, value: a.id };
    input.value = `${base}${name}:${quoted(f.name)} `;
    input.focus();
  } catch (e) { note('Upload refused: ' + e.message); }
});

// --- modals ---
// A form is legacy rows of text inputs (each with its own label) or
// Discord's labels (18), each wrapping one field with a description under
// it: a text input (4), a radio group (21) or a file upload (19); text
// displays (10) are paragraphs.
function openModal(ans) {
  state.modalFor = ans.id;
  const m = ans.modal;
  $('modal-title').textContent = m.title;
  let h = '';
  for (const top of m.components || []) {
    if (top.type === 18) h += formField(top.component || {}, top.label, top.description);
    else if (top.type === 10) h += `<p class="form-text">${esc(top.content || '')}</p>`;
    else for (const c of top.components || []) h += formField(c, c.label, '');
  }
  $('modal-fields').innerHTML = h;
  $('modal').hidden = false;
}

function formField(c, label, description) {
  const id = esc(c.custom_id || '');
  const required = c.required !== false; // Discord's default for radio groups and uploads
  let h = `<label for="f-${id}">${esc(label || '')}</label>`;
  if (description) h += `<div class="form-desc">${esc(description)}</div>`;
  if (c.type === 21) {
    h += `<div class="radio-group" id="f-${id}" data-radio="${id}" role="radiogroup">`;
    for (const o of c.options || []) {
      h += `<label class="radio"><input type="radio" name="r-${id}" value="${esc(o.value)}" ${o.default ? 'checked' : ''} ${required ? 'required' : ''}> ${esc(o.label)}` +
        (o.description ? ` <span class="form-desc">${esc(o.description)}</span>` : '') + '</label>';
    }
    return h + '</div>';
  }
  if (c.type === 19) {
    const accept = (c.file_types || []).map((t) => (t.startsWith('.') ? t : t + '/*')).join(',');
    const min = c.min_values === undefined ? 1 : c.min_values;
    return h + `<input type="file" id="f-${id}" data-upload="${id}" ${accept ? `accept="${esc(accept)}"` : ''} ${(c.max_values || 1) > 1 ? 'multiple' : ''} ${c.required !== false && min > 0 ? 'required' : ''}>`;
  }
  const attrs = `id="f-${id}" data-id="${id}" ${c.max_length ? `maxlength="${c.max_length}"` : ''} ${c.required ? 'required' : ''} placeholder="${esc(c.placeholder || '')}"`;
  return h + (c.style === 2 ? `<textarea ${attrs}>${esc(c.value || '')}</textarea>` : `<input ${attrs} value="${esc(c.value || '')}">`);
}

// readFile is a picked file's bytes, base64, as /_sandbox/upload takes them.
function readFile(f) {
  return new Promise((res, rej) => { const r = new FileReader(); r.onload = () => res(String(r.result).split(',')[1] || ''); r.onerror = rej; r.readAsDataURL(f); });
}

$('modal-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const fields = {};
  $('modal-fields').querySelectorAll('[data-id]').forEach((el) => { fields[el.dataset.id] = el.value; });
  $('modal-fields').querySelectorAll('[data-radio]').forEach((el) => {
    const picked = el.querySelector('input:checked');
    fields[el.dataset.radio] = picked ? picked.value : '';
  });
  // A form's files are uploaded as Discord's client uploads them; the
  // submit names them, and the sandbox resolves them for the bot.
  try {
    for (const el of $('modal-fields').querySelectorAll('[data-upload]')) {
      const ids = [];
      for (const f of el.files) {
        const a = await api('/_sandbox/upload', { filename: f.name, content_type: f.type, data: await readFile(f) });
        ids.push(a.id);
      }
      fields[el.dataset.upload] = ids.join(',');
    }
  } catch (e) { note('Upload refused: ' + e.message); return; }
  $('modal').hidden = true;
  await act('/_sandbox/modal', { interaction_id: state.modalFor, fields });
});
$('modal-cancel').addEventListener('click', () => { $('modal').hidden = true; });

// --- right-click: the Apps submenu, as Discord's client offers it ---

// showApps opens the context menu at the pointer, its Apps submenu
// holding the registered commands of type (2 on a member, 3 on a
// message), named in the member's language; nothing when there are none.
function showApps(ev, type, target) {
  const apps = (state.commands || []).filter((c) => c.type === type);
  if (!apps.length) return;
  ev.preventDefault();
  const menu = $('ctxmenu');
  menu.innerHTML = '<div class="ctx-row" id="ctx-apps">Apps ▸</div><div class="ctx-sub" id="ctx-sub">' +
    apps.map((c) => `<button type="button" class="ctx-item" data-app="${esc(c.name)}">${esc(localized(c, 'name'))}</button>`).join('') + '</div>';
  menu.dataset.type = String(type);
  menu.dataset.target = target;
  menu.style.left = Math.min(ev.clientX, window.innerWidth - 260) + 'px';
  menu.style.top = Math.min(ev.clientY, window.innerHeight - 40 - 36 * apps.length) + 'px';
  menu.hidden = false;
}
$('messages').addEventListener('contextmenu', (ev) => {
  const who = ev.target.closest('[data-user]');
  if (who) { showApps(ev, 2, who.dataset.user); return; }
  const m = ev.target.closest('.msg[data-id]');
  // Discord offers no Apps on an ephemeral message.
  if (m && !m.querySelector('.ephemeral-note')) showApps(ev, 3, m.dataset.id);
});
$('ctxmenu').addEventListener('click', (ev) => {
  if (ev.target.closest('#ctx-apps')) { $('ctx-sub').classList.add('open'); return; }
  const it = ev.target.closest('[data-app]');
  if (!it) return;
  const menu = $('ctxmenu');
  menu.hidden = true;
  if (menu.dataset.type === '3') act('/_sandbox/message-command', { name: it.dataset.app, message_id: menu.dataset.target });
  else act('/_sandbox/user-command', { name: it.dataset.app, target_id: menu.dataset.target });
});
document.addEventListener('click', (ev) => { if (!ev.target.closest('#ctxmenu')) $('ctxmenu').hidden = true; });
document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') $('ctxmenu').hidden = true; });

// --- wiring ---
$('composer').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  // The Enter that took a suggestion does not also send the line (a
  // browser driven by key events may submit on its char event).
  if (state.took) { state.took = false; return; }
  const line = $('input').value.trim();
  if (!line) return;
  if (!line.startsWith('/')) { // a message to the channel or thread, as a member writes one
    $('palette').hidden = true;
    $('input').value = '';
    note('');
    try {
      await api('/_sandbox/messages', { member: state.member, channel_id: state.channel, content: line });
    } catch (e) {
      $('input').value = line;
      note('Not sent: ' + (e.message || '').replace(/^sandbox: /, ''));
    }
    refresh();
    return;
  }
  const p = parse(line);
  const problem = check(p);
  if (problem) { note(problem); return; }
  state.acSeq++; // a suggestion still on its way must not reopen the list
  $('palette').hidden = true;
  $('input').value = '';
  const sent = wire(p);
  state.picks = {};
  note('');
  await act('/_sandbox/interactions', { line: sent });
});
$('input').addEventListener('input', onInput);
$('input').addEventListener('keydown', (ev) => {
  const pal = $('palette');
  if (pal.hidden) return;
  if (ev.key === 'Tab' || (ev.key === 'Enter' && state.enterTakes)) { ev.preventDefault(); state.took = ev.key === 'Enter'; takePalette(state.palSel); }
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    ev.preventDefault();
    state.palSel = (state.palSel + (ev.key === 'ArrowDown' ? 1 : -1) + state.palette.length) % state.palette.length;
    pal.querySelectorAll('.pal-item').forEach((el, k) => el.classList.toggle('sel', k === state.palSel));
  }
  if (ev.key === 'Escape') pal.hidden = true;
});
$('input').addEventListener('keyup', (ev) => { if (ev.key === 'Enter') state.took = false; });
$('palette').addEventListener('click', (ev) => { const it = ev.target.closest('.pal-item'); if (it) takePalette(Number(it.dataset.k)); });
$('messages').addEventListener('click', (ev) => {
  const sp = ev.target.closest('.spoiler, .spoiler-box:not(.revealed)');
  if (sp) { reveal(sp); return; }
  const end = ev.target.closest('button.end-poll');
  if (end) {
    // The poll is the bot's: its host asks the bot to close it now, as on
    // Discord (/movienight close), and the bot ends it and announces the winner.
    end.disabled = true;
    act('/_sandbox/interactions', { line: '/movienight close' });
    return;
  }
  const v = ev.target.closest('button.vote');
  if (v && !v.disabled) {
    api('/_sandbox/vote', { member: state.member, message_id: v.dataset.msg, answers: [Number(v.dataset.answer)] })
      .catch((e) => note('Not counted: ' + (e.message || '').replace(/^sandbox: /, ''))).finally(refresh);
    return;
  }
  const b = ev.target.closest('button[data-id]');
  if (b && !b.disabled) { click(b.dataset.msg + b.dataset.id, '/_sandbox/click', { message_id: b.dataset.msg, custom_id: b.dataset.id }); return; }
  const t = ev.target.closest('[data-thread]');
  if (t) setChannel(t.dataset.thread);
});
// reveal shows a spoiler: its text, or a spoiler container whole (what
// is in it can be clicked from then on).
function reveal(el) {
  el.classList.add('revealed');
  el.querySelectorAll(':scope > .spoiler-inner').forEach((x) => x.removeAttribute('inert'));
}
// The view stays at the bottom (as a chart loads and grows, as messages
// come) until the member scrolls up; scrolling back down sticks again.
// Only the member's own scrolling decides: content growing does not.
function toBottom() {
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
  state.ownScroll = box.scrollTop;
}
$('messages').addEventListener('scroll', () => {
  const box = $('messages');
  if (box.scrollTop === state.ownScroll) return; // the page's own scrolling
  state.stick = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
});
$('messages').addEventListener('load', (ev) => { if (ev.target.tagName === 'IMG' && state.stick) toBottom(); }, true);
$('messages').addEventListener('change', (ev) => {
  const s = ev.target.closest('select[data-id]');
  if (s && s.value) click(s.dataset.msg + s.dataset.id, '/_sandbox/select', { message_id: s.dataset.msg, custom_id: s.dataset.id, values: [s.value] });
});
$('channels').addEventListener('click', (ev) => { const c = ev.target.closest('[data-chan]'); if (c) setChannel(c.dataset.chan); });
$('guild').addEventListener('change', chooseMember);
$('member').addEventListener('change', pickMember);
$('locale').addEventListener('change', () => setLocale($('locale').value));
$('voice').addEventListener('change', async () => {
  const gid = $('guild').value, uid = state.member.user_id, ch = $('voice').checked ? voiceChannel(gid) : '';
  try {
    await api(`/_sandbox/guilds/${gid}/voice`, { user: uid, channel: ch });
    state.info.voice = state.info.voice || {};
    state.info.voice[gid] = state.info.voice[gid] || {};
    if (ch) state.info.voice[gid][uid] = ch; else delete state.info.voice[gid][uid];
  } catch (e) { note('Not set: ' + (e.message || '').replace(/^sandbox: /, '')); $('voice').checked = !ch; }
});
$('guild-locale').addEventListener('change', async () => {
  const gid = $('guild').value, l = $('guild-locale').value;
  try {
    await api(`/_sandbox/guilds/${gid}/locale`, { locale: l });
    state.info.guilds.find((x) => x.id === gid).locale = l;
    document.body.dataset.guildLocale = l;
  } catch (e) { note('Not set: ' + (e.message || '').replace(/^sandbox: /, '')); }
});

(async function start() {
  state.info = await api('/_sandbox/info');
  const locales = state.info.locales || ['en-US'];
  if (!locales.includes(state.locale)) state.locale = 'en-US';
  const options = locales.map((l) => `<option value="${esc(l)}">${esc(LOCALE_NAMES[l] || l)}</option>`).join('');
  $('locale').innerHTML = options;
  $('guild-locale').innerHTML = options;
  $('locale').value = state.locale;
  document.body.dataset.locale = state.locale;
  $('guild').innerHTML = state.info.guilds.map((g) => `<option value="${g.id}">${esc(g.name)}</option>`).join('') + '<option value="">Direct message</option>';
  chooseMember();
  setInterval(refresh, 800);
  document.body.dataset.ready = '1';
})();

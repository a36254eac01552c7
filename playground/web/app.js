// filmbot playground: a small Discord-like client for the local sandbox.
// Everything goes through the sandbox's control API (/_sandbox/…).
'use strict';
const $ = (id) => document.getElementById(id);
const state = { info: null, member: null, channel: null, commands: [], acSeq: 0, palette: [], palSel: 0, modalFor: null };

async function api(path, body) {
  const res = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}

function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

function nameOfChannel(id) {
  for (const g of state.info.guilds) for (const c of g.channels) if (c.id === id) return c.name;
  for (const t of state.info.threads || []) if (t.id === id) return t.name;
  return 'channel';
}

// md renders the Discord markdown filmbot uses.
function md(text) {
  let h = esc(text || '');
  h = h.replace(/\|\|([\s\S]+?)\|\|/g, '<span class="spoiler" title="Spoiler: click to reveal">$1</span>');
  h = h.replace(/\*\*([\s\S]+?)\*\*/g, '<b>$1</b>');
  h = h.replace(/(^|[^*])\*([^*\n]+?)\*/g, '$1<i>$2</i>');
  h = h.replace(/`([^`]+)`/g, '<code>$1</code>');
  h = h.replace(/&lt;@&amp;(\d+)&gt;/g, '<span class="mention">@role</span>');
  h = h.replace(/&lt;@!?(\d+)&gt;/g, (m, id) => `<span class="mention">@${esc(memberName(id))}</span>`);
  h = h.replace(/&lt;#(\d+)&gt;/g, (m, id) => `<span class="mention">#${esc(nameOfChannel(id))}</span>`);
  h = h.replace(/&lt;t:(\d+)(:\w)?&gt;/g, (m, t) => new Date(Number(t) * 1000).toLocaleDateString());
  h = h.split('\n').map((l) => l.startsWith('&gt; ') ? `<blockquote>${l.slice(5)}</blockquote>` : l).join('\n');
  return h;
}

function memberName(id) {
  const m = (state.info.members || []).find((x) => x.user_id === id);
  return m ? m.name : 'member ' + id.slice(-4);
}

function renderEmbed(e, msg) {
  const colour = e.color ? '#' + e.color.toString(16).padStart(6, '0') : '#202225';
  let h = `<div class="embed" style="border-left-color:${colour}">`;
  if (e.author) h += `<div class="author">${esc(e.author.name)}</div>`;
  if (e.title) h += `<div class="title">${md(e.title)}</div>`;
  if (e.description) h += `<div class="desc">${md(e.description)}</div>`;
  if (e.fields && e.fields.length) {
    h += '<div class="fields">';
    for (const f of e.fields) h += `<div class="field${f.inline ? ' inline' : ''}"><div class="fname">${md(f.name)}</div><div class="content">${md(f.value)}</div></div>`;
    h += '</div>';
  }
  if (e.image && e.image.url) {
    let url = e.image.url;
    if (url.startsWith('attachment://')) {
      const a = (msg.attachments || []).find((x) => x.filename === url.slice(13));
      url = a ? new URL(a.url).pathname : '';
    }
    if (url) h += `<img src="${esc(url)}" alt="chart">`;
  }
  if (e.footer) h += `<div class="footer">${md(e.footer.text)}</div>`;
  return h + '</div>';
}

function renderComponents(msg) {
  let h = '';
  for (const row of msg.components || []) {
    h += '<div class="row">';
    for (const c of row.components || []) {
      if (c.type === 2) {
        const style = { 1: 'primary', 2: 'secondary', 3: 'success', 4: 'danger' }[c.style] || 'secondary';
        h += `<button class="btn ${style}" data-msg="${msg.id}" data-id="${esc(c.custom_id || '')}" ${c.disabled ? 'disabled' : ''}>${esc(c.label || '')}</button>`;
      } else if (c.type === 3) {
        h += `<select data-msg="${msg.id}" data-id="${esc(c.custom_id)}"><option value="">${esc(c.placeholder || 'Choose')}</option>`;
        for (const o of c.options || []) h += `<option value="${esc(o.value)}">${esc(o.label)}</option>`;
        h += '</select>';
      }
    }
    h += '</div>';
  }
  return h;
}

function renderMessage(m) {
  let h = `<div class="msg" data-id="${m.id}"><div class="avatar">fb</div><div class="body">`;
  if (m.invocation) h += `<div class="invocation">↳ ${esc(m.invocation)}</div>`;
  h += `<div><span class="name">filmbot</span><span class="tag">BOT</span></div>`;
  if (m.thinking) h += '<div class="thinking">filmbot is thinking…</div>';
  if (m.content) h += `<div class="content">${md(m.content)}</div>`;
  for (const e of m.embeds || []) h += renderEmbed(e, m);
  h += renderComponents(m);
  if (m.thread_id) h += `<div class="thread-link" data-thread="${m.thread_id}">🧵 Thread: ${esc(nameOfChannel(m.thread_id))}</div>`;
  if (m.flags & 64) h += '<div class="ephemeral-note">👁 Only you can see this</div>';
  return h + '</div></div>';
}

let lastRender = '';
async function refresh() {
  if (!state.channel) return;
  try {
    const [msgs, viol, info] = await Promise.all([
      api(`/_sandbox/channels/${state.channel}/messages?user=${state.member.user_id}`),
      api('/_sandbox/violations'),
      api('/_sandbox/info'),
    ]);
    state.info.threads = info.threads;
    const html = msgs.map(renderMessage).join('');
    if (html !== lastRender) {
      const box = $('messages');
      const revealed = new Set([...box.querySelectorAll('.spoiler.revealed')].map((s) => s.closest('.msg').dataset.id + s.textContent));
      box.innerHTML = html;
      box.querySelectorAll('.spoiler').forEach((s) => { if (revealed.has(s.closest('.msg').dataset.id + s.textContent)) s.classList.add('revealed'); });
      box.scrollTop = box.scrollHeight;
      lastRender = html;
      renderChannels();
    }
    $('violations').innerHTML = viol.length ? viol.map((v) => `<li>${esc(v.what)}</li>`).join('') : '<li class="none">None: every answer passed Discord\'s checks.</li>';
  } catch (e) { console.error(e); }
}

function renderChannels() {
  const g = state.info.guilds.find((x) => x.id === state.member.guild_id);
  let h = '';
  if (!g) h = `<div class="chan active"># direct message</div>`;
  else {
    for (const c of g.channels) {
      h += `<div class="chan${c.id === state.channel ? ' active' : ''}" data-chan="${c.id}"># ${esc(c.name)}</div>`;
      for (const t of (state.info.threads || []).filter((t) => t.parent_id === c.id)) h += `<div class="chan thread${t.id === state.channel ? ' active' : ''}" data-chan="${t.id}">🧵 ${esc(t.name)}</div>`;
    }
  }
  $('channels').innerHTML = h;
  $('channel-title').textContent = g ? '# ' + nameOfChannel(state.channel) : 'Direct message with filmbot';
}

function setChannel(id) { state.channel = id; lastRender = ''; renderChannels(); refresh(); }

function chooseMember() {
  const gid = $('guild').value;
  const list = state.info.members.filter((m) => (m.guild_id || '') === gid);
  $('member').innerHTML = list.map((m, k) => `<option value="${k}">${esc(m.name)}</option>`).join('');
  state.members = list;
  pickMember();
}

async function pickMember() {
  state.member = { ...state.members[Number($('member').value) || 0] };
  state.commands = await api(`/_sandbox/commands?guild=${state.member.guild_id || ''}`);
  setChannel(state.member.channel_id);
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
    alert(e.message);
  } finally {
    refresh();
  }
}

// --- the composer: command list, options and live autocomplete ---
function parseLine(line) {
  const m = line.match(/^\/([\w-]+)/);
  if (!m) return null;
  const cmd = state.commands.find((c) => c.name === m[1]);
  return { name: m[1], cmd };
}

function leafOptions(cmd, words) {
  let opts = cmd.options || [];
  for (const w of words) {
    const sub = opts.find((o) => (o.type === 1 || o.type === 2) && o.name === w);
    if (sub) opts = sub.options || []; else break;
  }
  return opts;
}

async function onInput() {
  const line = $('input').value;
  const pal = $('palette');
  if (!line.startsWith('/')) { pal.hidden = true; return; }
  const p = parseLine(line);
  if (!line.includes(' ')) {
    const q = line.slice(1);
    showPalette('Commands', state.commands.filter((c) => c.name.startsWith(q)).map((c) => ({ label: '/' + c.name, desc: c.description, insert: '/' + c.name + ' ' })));
    return;
  }
  if (!p || !p.cmd) { pal.hidden = true; return; }
  const words = line.split(/\s+/).slice(1).filter((w) => w && !w.includes(':'));
  const opts = leafOptions(p.cmd, words);
  const subs = opts.filter((o) => o.type === 1 || o.type === 2);
  const last = line.slice(line.lastIndexOf(' ') + 1);
  if (subs.length) {
    showPalette('Subcommands', subs.filter((o) => o.name.startsWith(last)).map((o) => ({ label: o.name, desc: o.description, insert: line.slice(0, line.length - last.length) + o.name + ' ' })));
    return;
  }
  const colon = last.indexOf(':');
  if (colon < 0) {
    showPalette('Options', opts.filter((o) => o.name.startsWith(last)).map((o) => ({ label: o.name + ':', desc: (o.required ? '' : '(optional) ') + o.description, insert: line.slice(0, line.length - last.length) + o.name + ':' })));
    return;
  }
  const optName = last.slice(0, colon);
  const opt = opts.find((o) => o.name === optName);
  if (!opt || !opt.autocomplete) { pal.hidden = true; return; }
  const seq = ++state.acSeq;
  await new Promise((r) => setTimeout(r, 120));
  if (seq !== state.acSeq) return;
  try {
    const member = { ...state.member, channel_id: state.channel };
    const { id } = await api('/_sandbox/interactions', { member, line: line.replace(/"/g, ''), autocomplete: optName });
    const ans = await api(`/_sandbox/interactions/${id}?wait=3s`);
    if (seq !== state.acSeq) return;
    const base = line.slice(0, line.length - last.length);
    showPalette(`Suggestions for ${optName}`, (ans.choices || []).map((c) => ({ label: c.name, desc: '', insert: `${base}${optName}:"${c.name.replace(/ \(\d{1,2} \w{3} \d{4}\)$/, '')}" ` })));
  } catch (e) { pal.hidden = true; }
}

function showPalette(head, items) {
  const pal = $('palette');
  state.palette = items;
  state.palSel = 0;
  if (!items.length) { pal.hidden = true; return; }
  pal.innerHTML = `<div class="pal-head">${esc(head)}</div>` + items.map((it, k) => `<div class="pal-item${k === 0 ? ' sel' : ''}" data-k="${k}">${esc(it.label)}<span class="desc">${esc(it.desc || '')}</span></div>`).join('');
  pal.hidden = false;
}

function takePalette(k) {
  const it = state.palette[k];
  if (!it) return;
  $('input').value = it.insert;
  $('palette').hidden = true;
  $('input').focus();
  onInput();
}

// --- modals ---
function openModal(ans) {
  state.modalFor = ans.id;
  const m = ans.modal;
  $('modal-title').textContent = m.title;
  let h = '';
  for (const row of m.components || []) {
    for (const c of row.components || []) {
      const attrs = `id="f-${esc(c.custom_id)}" data-id="${esc(c.custom_id)}" ${c.max_length ? `maxlength="${c.max_length}"` : ''} ${c.required ? 'required' : ''} placeholder="${esc(c.placeholder || '')}"`;
      h += `<label for="f-${esc(c.custom_id)}">${esc(c.label)}</label>`;
      h += c.style === 2 ? `<textarea ${attrs}>${esc(c.value || '')}</textarea>` : `<input ${attrs} value="${esc(c.value || '')}">`;
    }
  }
  $('modal-fields').innerHTML = h;
  $('modal').hidden = false;
}

$('modal-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const fields = {};
  $('modal-fields').querySelectorAll('[data-id]').forEach((el) => { fields[el.dataset.id] = el.value; });
  $('modal').hidden = true;
  await act('/_sandbox/modal', { interaction_id: state.modalFor, fields });
});
$('modal-cancel').addEventListener('click', () => { $('modal').hidden = true; });

// --- wiring ---
$('composer').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const line = $('input').value.trim();
  if (!line) return;
  state.acSeq++; // a suggestion still on its way must not reopen the list
  $('palette').hidden = true;
  $('input').value = '';
  await act('/_sandbox/interactions', { line });
});
$('input').addEventListener('input', onInput);
$('input').addEventListener('keydown', (ev) => {
  const pal = $('palette');
  if (pal.hidden) return;
  if (ev.key === 'Tab') { ev.preventDefault(); takePalette(state.palSel); }
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    ev.preventDefault();
    state.palSel = (state.palSel + (ev.key === 'ArrowDown' ? 1 : -1) + state.palette.length) % state.palette.length;
    pal.querySelectorAll('.pal-item').forEach((el, k) => el.classList.toggle('sel', k === state.palSel));
  }
  if (ev.key === 'Escape') pal.hidden = true;
});
$('palette').addEventListener('click', (ev) => { const it = ev.target.closest('.pal-item'); if (it) takePalette(Number(it.dataset.k)); });
$('messages').addEventListener('click', (ev) => {
  const sp = ev.target.closest('.spoiler');
  if (sp) { sp.classList.add('revealed'); return; }
  const b = ev.target.closest('button[data-id]');
  if (b && !b.disabled) { act('/_sandbox/click', { message_id: b.dataset.msg, custom_id: b.dataset.id }); return; }
  const t = ev.target.closest('[data-thread]');
  if (t) setChannel(t.dataset.thread);
});
$('messages').addEventListener('change', (ev) => {
  const s = ev.target.closest('select[data-id]');
  if (s && s.value) act('/_sandbox/select', { message_id: s.dataset.msg, custom_id: s.dataset.id, values: [s.value] });
});
$('channels').addEventListener('click', (ev) => { const c = ev.target.closest('[data-chan]'); if (c) setChannel(c.dataset.chan); });
$('guild').addEventListener('change', chooseMember);
$('member').addEventListener('change', pickMember);

(async function start() {
  state.info = await api('/_sandbox/info');
  $('guild').innerHTML = state.info.guilds.map((g) => `<option value="${g.id}">${esc(g.name)}</option>`).join('') + '<option value="">Direct message</option>';
  chooseMember();
  setInterval(refresh, 800);
  document.body.dataset.ready = '1';
})();

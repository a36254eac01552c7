// Layout cards (Components V2) read by discord.js: a message the bot sends
// with the flag IS_COMPONENTS_V2 is parsed into discord.js's structures (a
// Message holding ContainerComponent, SectionComponent, …), written back
// by them unchanged, and rebuilt with discord.js's builders (ContainerBuilder
// and the rest, from that JSON), whose toJSON() runs discord.js's own
// validators. The rules of Discord's component reference the builders do
// not check (the flag's exclusions, 40 components, 4000 characters of text,
// the top-level types, a separator's spacing, an accent colour's range,
// unique custom_ids) are
// checked here too.
import { isDeepStrictEqual } from 'node:util';
import { Component, ComponentType, MessageFlags, Message, createComponentBuilder } from 'discord.js';

// Where a layout card may hold each type, by Discord's component reference.
const TOP = new Set([ComponentType.ActionRow, ComponentType.Section, ComponentType.TextDisplay, ComponentType.MediaGallery, ComponentType.File, ComponentType.Separator, ComponentType.Container]);
const IN_CONTAINER = new Set([ComponentType.ActionRow, ComponentType.Section, ComponentType.TextDisplay, ComponentType.MediaGallery, ComponentType.File, ComponentType.Separator]);

// message is the message a body of the bot's carries: an interaction
// response's data (types 4 and 7), or a webhook's body (a follow-up, an
// edit of the original response); none for a deferral or a modal.
export function message(body) {
  if (body && typeof body.type === 'number') return body.type === 4 || body.type === 7 ? body.data : null;
  return body;
}

// walk visits every component of a tree, children before their parent's
// next sibling: rows' and containers' children, sections' text and accessory.
function walk(list, visit, depth = 0) {
  for (const c of list || []) {
    if (!c || typeof c !== 'object') continue;
    visit(c, depth);
    walk(c.components, visit, depth + 1);
    if (c.accessory) walk([c.accessory], visit, depth + 1);
  }
}

// check returns what is wrong with a message as discord.js (and Discord's
// documented limits) would have it: [] when nothing is, and whether it is
// a layout card. client is a discord.js Client (not logged in: only
// structures are built with it).
export function check(client, body) {
  const msg = message(body);
  if (!msg) return { v2: false, problems: [] };
  const problems = [];
  const comps = msg.components || [];
  const v2 = ((msg.flags || 0) & MessageFlags.IsComponentsV2) !== 0;
  if (!v2) {
    for (const c of comps) if (c && c.type !== ComponentType.ActionRow) problems.push(`component type ${c.type} at the top without the flag IS_COMPONENTS_V2`);
    return { v2, problems };
  }
  if (msg.content) problems.push('content with the flag IS_COMPONENTS_V2');
  if (msg.embeds && msg.embeds.length) problems.push('embeds with the flag IS_COMPONENTS_V2');
  if (msg.poll) problems.push('a poll with the flag IS_COMPONENTS_V2');
  if (!comps.length) problems.push('a layout card without components');
  let count = 0, text = 0;
  const ids = new Set();
  walk(comps, (c, depth) => {
    count++;
    if (c.type === ComponentType.TextDisplay) text += [...String(c.content ?? '')].length;
    if (c.custom_id !== undefined) {
      if (ids.has(c.custom_id)) problems.push(`custom_id ${c.custom_id} twice`);
      ids.add(c.custom_id);
    }
    if (c.type === ComponentType.Separator && c.spacing !== undefined && c.spacing !== 1 && c.spacing !== 2) problems.push(`a separator's spacing ${c.spacing} (1 or 2)`);
    if (c.type === ComponentType.Container && c.accent_color != null && !(Number.isInteger(c.accent_color) && c.accent_color >= 0 && c.accent_color <= 0xFFFFFF)) problems.push(`an accent colour ${c.accent_color} (0 to 0xFFFFFF)`);
    if (depth === 0 && !TOP.has(c.type)) problems.push(`component type ${c.type} at the top of a layout card`);
    if (c.type === ComponentType.Container) for (const x of c.components || []) if (!IN_CONTAINER.has(x.type)) problems.push(`component type ${x.type} in a container`);
    if (c.type === ComponentType.Section && (!Array.isArray(c.components) || c.components.length < 1 || c.components.length > 3 || c.components.some((x) => x.type !== ComponentType.TextDisplay))) problems.push('a section holds 1 to 3 text displays');
    if (c.type === ComponentType.Section && ![ComponentType.Thumbnail, ComponentType.Button].includes(c.accessory && c.accessory.type)) problems.push('a section without a thumbnail or button accessory');
  });
  if (count > 40) problems.push(`${count} components (at most 40)`);
  if (text > 4000) problems.push(`${text} characters of text displays (at most 4000)`);
  // discord.js's structures: a Message of the bot's, as the gateway or
  // REST would deliver it.
  let parsed;
  try {
    parsed = new Message(client, {
      id: '1', channel_id: '2', type: 0, timestamp: new Date(0).toISOString(), author: { id: '3', username: 'filmbot', discriminator: '0', bot: true },
      content: '', embeds: [], attachments: [], flags: msg.flags, components: comps,
    });
  } catch (e) {
    problems.push(`discord.js cannot read it: ${e.message}`);
    return { v2, problems };
  }
  parsed.components.forEach((s, k) => {
    const unknown = [];
    walk([s], (x) => { if (x.constructor === Component) unknown.push(x.type); });
    if (unknown.length) problems.push(`discord.js knows no component type ${unknown.join(', ')}`);
    const json = s.toJSON();
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(json)), JSON.parse(JSON.stringify(comps[k])))) problems.push(`discord.js's ${s.constructor.name} writes component ${k} back otherwise: ${JSON.stringify(json).slice(0, 200)}`);
    try {
      createComponentBuilder(json).toJSON();
    } catch (e) {
      problems.push(`discord.js's builders refuse component ${k} (${s.constructor.name}): ${reason(e)}`);
    }
  });
  return { v2, problems, types: parsed.components.map((s) => s.constructor.name) };
}

// reason is a validator's error in a line: shapeshift's combined errors
// name each of theirs.
function reason(e) {
  const inner = (e.errors || []).map((x) => (Array.isArray(x) ? x[1] : x)).map((x) => (x && x.message) || String(x));
  return `${String(e.message).split('\n')[0]}${inner.length ? ': ' + inner.join('; ') : ''}`.slice(0, 300);
}

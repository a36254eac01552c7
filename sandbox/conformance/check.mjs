// An independent client against the sandbox: discord.js logs in as a bot,
// registers /ping, answers the INTERACTION_CREATE the sandbox dispatches,
// and the sandbox must record that answer with no violation.
// Usage: DISCORD_API_URL=http://127.0.0.1:PORT DISCORD_TOKEN=... node check.mjs [BODY.json ...]
// Each BODY.json is what the bot sends (`filmbot try --json`: one body, or
// an array of them): every layout card in it must pass discord.js (see
// layout.mjs), one named NAME.card.json must hold one, and each case of
// invalid-layout.json must be refused.
//        node check.mjs --layout BODY.json ...   (the layout check alone, no sandbox)
import { readFileSync } from 'node:fs';
import { Client, GatewayIntentBits, Events, ModalBuilder, TextInputStyle, ContainerBuilder, ContainerComponent, MessageFlags, StringSelectMenuBuilder } from 'discord.js';
import { check } from './layout.mjs';

const fail = (msg) => { console.error('conformance: FAIL:', msg); process.exit(1); };

// checkLayouts reads the bot's bodies in files and fails on the first
// layout card discord.js refuses; it first makes sure the check refuses
// every invalid card of invalid-layout.json, each for its own reason.
function checkLayouts(files) {
  const offline = new Client({ intents: [] });
  const invalid = JSON.parse(readFileSync(new URL('./invalid-layout.json', import.meta.url), 'utf8'));
  for (const { why, body } of invalid) {
    if (!check(offline, body).problems.length) fail(`the layout check accepts an invalid card (${why}): ${JSON.stringify(body).slice(0, 200)}`);
  }
  console.log(`conformance: OK: the layout check refuses all ${invalid.length} invalid cards of invalid-layout.json`);
  let cards = 0, bodies = 0;
  for (const f of files) {
    const doc = JSON.parse(readFileSync(f, 'utf8'));
    let here = 0;
    for (const body of Array.isArray(doc) ? doc : [doc]) {
      bodies++;
      const { v2, problems, types } = check(offline, body);
      if (problems.length) fail(`${f}: ${problems.join('; ')}`);
      if (v2) { cards++; here++; console.log(`conformance: OK: ${f}: discord.js reads ${types.join(', ')} and its builders accept them`); }
    }
    // NAME.card.json holds an answer that must be a layout card.
    if (f.endsWith('.card.json') && !here) fail(`${f}: not a layout card`);
  }
  console.log(`conformance: OK: ${bodies} bodies of the bot's, ${cards} layout cards, accepted by discord.js`);
}

const args = process.argv.slice(2);
if (args[0] === '--layout') {
  checkLayouts(args.slice(1));
  process.exit(0);
}
checkLayouts(args);

const api = process.env.DISCORD_API_URL;
const token = process.env.DISCORD_TOKEN;
if (!api || !token) {
  console.error('set DISCORD_API_URL and DISCORD_TOKEN (from `filmbot sandbox`)');
  process.exit(2);
}
setTimeout(() => fail('timed out after 30 s'), 30000).unref();

const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: `${api}/api` } });

// A form of labels (a radio group, a file upload, a text input) as
// discord.js builds it; its submit as discord.js reads it back.
client.on(Events.InteractionCreate, async (interaction) => {
  // A layout card as discord.js builds one, its Rate menu inside the
  // container; a pick in it updates the card.
  if (interaction.isChatInputCommand() && interaction.commandName === 'card') {
    await interaction.reply({ flags: MessageFlags.IsComponentsV2, allowedMentions: { parse: [] }, components: [layoutCard('Not rated yet.')] });
    return;
  }
  if (interaction.isStringSelectMenu() && interaction.customId === 'card:rate') {
    await interaction.update({ flags: MessageFlags.IsComponentsV2, allowedMentions: { parse: [] }, components: [layoutCard(`Rated ${interaction.values[0]}/10 by ${interaction.user.username}.`)] });
    return;
  }
  if (interaction.isChatInputCommand() && interaction.commandName === 'form') {
    await interaction.showModal(new ModalBuilder().setCustomId('form').setTitle('Rate a film').addLabelComponents(
      (l) => l.setLabel('Your score').setDescription('10 is the best.').setRadioGroupComponent((r) => r.setCustomId('score')
        .setOptions([{ label: '10/10', value: '10' }, { label: '7/10', value: '7' }, { label: '1/10', value: '1' }])),
      (l) => l.setLabel('Review file').setDescription('A .txt or .md file.').setFileUploadComponent((f) => f.setCustomId('file').setRequired(false).setMaxValues(1)),
      (l) => l.setLabel('Review').setTextInputComponent((t) => t.setCustomId('text').setStyle(TextInputStyle.Paragraph).setRequired(false)),
    ));
    return;
  }
  if (interaction.isModalSubmit()) {
    const files = interaction.fields.getUploadedFiles('file');
    const got = `${interaction.fields.getRadioGroup('score')}|${files ? [...files.values()].map((a) => a.name).join(',') : ''}|${interaction.fields.getTextInputValue('text')}`;
    await interaction.reply({ content: got, allowedMentions: { parse: [] } });
    return;
  }
  if (!interaction.isChatInputCommand() || interaction.commandName !== 'ping') return;
  const who = interaction.user.username;
  await interaction.reply({ content: `pong from discord.js to ${who} in ${interaction.guildId}`, allowedMentions: { parse: [] } });
});

function layoutCard(verdict) {
  return new ContainerBuilder().setAccentColor(0xe67e22)
    .addSectionComponents((s) => s.addTextDisplayComponents((t) => t.setContent('## Anora (2024)\nSean Baker · 139 min'))
      .setThumbnailAccessory((th) => th.setURL('https://image.tmdb.org/t/p/w342/anora.jpg').setDescription('Poster of Anora')))
    .addSeparatorComponents((s) => s.setDivider(true))
    .addTextDisplayComponents((t) => t.setContent(verdict))
    .addActionRowComponents((r) => r.setComponents(new StringSelectMenuBuilder().setCustomId('card:rate').setPlaceholder('Rate Anora')
      .addOptions({ label: '9/10', value: '9' }, { label: '7/10', value: '7' })));
}

client.once(Events.ClientReady, async (c) => {
  try {
    console.log(`conformance: discord.js ${(await import('discord.js')).version} ready as ${c.user.tag} in ${c.guilds.cache.size} guilds`);
    const cmds = await c.application.commands.set([{ name: 'ping', description: 'Replies with pong' }, { name: 'form', description: 'Opens a form' }, { name: 'card', description: 'Shows a layout card' }]);
    if (cmds.size !== 3) fail(`registered ${cmds.size} commands`);
    const info = await (await fetch(`${api}/_sandbox/info`)).json();
    const member = info.members.find((m) => m.guild_id);
    const res = await fetch(`${api}/_sandbox/interactions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ member, line: '/ping' }),
    });
    const { id, error } = await res.json();
    if (error) fail(error);
    const answer = await (await fetch(`${api}/_sandbox/interactions/${id}?wait=10s`)).json();
    const content = answer.message && answer.message.content;
    if (content !== `pong from discord.js to ${member.name} in ${member.guild_id}`) fail(`answer was ${JSON.stringify(answer)}`);
    if (answer.violations.length) fail(`violations: ${answer.violations.join('; ')}`);
    console.log(`conformance: OK: the sandbox recorded "${content}" (${answer.latency_ms.toFixed(1)} ms)`);
    // The form: the sandbox accepts discord.js's labels, and its submit
    // (a radio group's value, an upload resolved, a text) reads back in
    // discord.js as the member filled it.
    const post = async (path, body) => (await fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    const opened = await post('/_sandbox/interactions', { member, line: '/form' });
    if (opened.error) fail(opened.error);
    const form = await (await fetch(`${api}/_sandbox/interactions/${opened.id}?wait=10s`)).json();
    if (!form.modal || form.violations.length) fail(`form: ${JSON.stringify(form)}`);
    const up = await post('/_sandbox/upload', { filename: 'review.md', content_type: 'text/markdown', data: Buffer.from('Good.').toString('base64') });
    const sent = await post('/_sandbox/modal', { member, interaction_id: opened.id, fields: { score: '7', file: up.id, text: 'Typed.' } });
    if (sent.error) fail(`submit: ${sent.error}`);
    const read = await (await fetch(`${api}/_sandbox/interactions/${sent.id}?wait=10s`)).json();
    const back = read.message && read.message.content;
    if (back !== '7|review.md|Typed.') fail(`discord.js read the form's submit as ${JSON.stringify(back)}`);
    if (read.violations.length) fail(`violations: ${read.violations.join('; ')}`);
    console.log(`conformance: OK: discord.js's form of labels accepted, its submit read back as "${back}"`);
    // A layout card: the sandbox takes discord.js's, a pick in the menu
    // inside its container reaches discord.js, whose update the sandbox
    // keeps; read back through REST, discord.js finds its container.
    const shown = await post('/_sandbox/interactions', { member, line: '/card' });
    if (shown.error) fail(shown.error);
    const card = await (await fetch(`${api}/_sandbox/interactions/${shown.id}?wait=10s`)).json();
    if (!card.message || card.violations.length || !card.message.components || card.message.components[0].type !== 17) fail(`layout card: ${JSON.stringify(card).slice(0, 400)}`);
    const picked = await post('/_sandbox/select', { member, message_id: card.message.id, custom_id: 'card:rate', values: ['9'] });
    if (picked.error) fail(`the menu inside the card: ${picked.error}`);
    const updated = await (await fetch(`${api}/_sandbox/interactions/${picked.id}?wait=10s`)).json();
    if (updated.violations.length) fail(`violations: ${updated.violations.join('; ')}`);
    const fetched = await (await c.channels.fetch(member.channel_id)).messages.fetch({ message: card.message.id, force: true });
    const container = fetched.components[0];
    const said = container instanceof ContainerComponent && container.components.find((x) => x.type === 10 && x.content.startsWith('Rated'));
    if (!said || said.content !== `Rated 9/10 by ${member.name}.` || !fetched.flags.has(MessageFlags.IsComponentsV2)) fail(`the card read back: ${JSON.stringify(fetched.components.map((x) => x.toJSON())).slice(0, 400)}`);
    console.log(`conformance: OK: discord.js's layout card accepted, its menu inside the container picked, read back as "${said.content}"`);
    await c.destroy();
    process.exit(0);
  } catch (e) {
    fail(e.stack || String(e));
  }
});

client.login(token).catch((e) => fail(`login: ${e}`));

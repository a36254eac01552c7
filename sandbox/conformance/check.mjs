// An independent client against the sandbox: discord.js logs in as a bot,
// registers /ping, answers the INTERACTION_CREATE the sandbox dispatches,
// and the sandbox must record that answer with no violation.
// Usage: DISCORD_API_URL=http://127.0.0.1:PORT DISCORD_TOKEN=... node check.mjs
import { Client, GatewayIntentBits, Events } from 'discord.js';

const api = process.env.DISCORD_API_URL;
const token = process.env.DISCORD_TOKEN;
if (!api || !token) {
  console.error('set DISCORD_API_URL and DISCORD_TOKEN (from `filmbot sandbox`)');
  process.exit(2);
}
const fail = (msg) => { console.error('conformance: FAIL:', msg); process.exit(1); };
setTimeout(() => fail('timed out after 30 s'), 30000).unref();

const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: `${api}/api` } });

client.on(Events.InteractionCreate, async (interaction) => {
  if (!interaction.isChatInputCommand() || interaction.commandName !== 'ping') return;
  const who = interaction.user.username;
  await interaction.reply({ content: `pong from discord.js to ${who} in ${interaction.guildId}`, allowedMentions: { parse: [] } });
});

client.once(Events.ClientReady, async (c) => {
  try {
    console.log(`conformance: discord.js ${(await import('discord.js')).version} ready as ${c.user.tag} in ${c.guilds.cache.size} guilds`);
    const cmds = await c.application.commands.set([{ name: 'ping', description: 'Replies with pong' }]);
    if (cmds.size !== 1) fail(`registered ${cmds.size} commands`);
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
    await c.destroy();
    process.exit(0);
  } catch (e) {
    fail(e.stack || String(e));
  }
});

client.login(token).catch((e) => fail(`login: ${e}`));

// Asks Slack's own Bolt SDK whether a request is signed as Slack signs it. Input (stdin): JSON
// {"signingSecret", "timestamp", "signature", "body"}; output: {"valid": true} or {"valid": false, "reason"}.
import bolt from '@slack/bolt';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
try {
  bolt.verifySlackRequest({
    signingSecret: input.signingSecret,
    body: input.body,
    headers: {
      'x-slack-signature': input.signature,
      'x-slack-request-timestamp': Number(input.timestamp),
    },
  });
  console.log(JSON.stringify({ valid: true }));
} catch (error) {
  console.log(JSON.stringify({ valid: false, reason: String(error.message ?? error) }));
}

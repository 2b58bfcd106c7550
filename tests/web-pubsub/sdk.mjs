// Drives the embedded Web PubSub endpoint with Microsoft's own SDKs, for the end-to-end tests.
//   node sdk.mjs listen <client access url>   prints {"connected":...} then one JSON line per group message
//   node sdk.mjs send <connection string> <hub> <group> <json>   sends the JSON to the group through the REST API
import { WebPubSubClient } from "@azure/web-pubsub-client";
import { WebPubSubServiceClient } from "@azure/web-pubsub";

const [mode, ...args] = process.argv.slice(2);
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

if (mode === "listen") {
  const client = new WebPubSubClient(args[0]);
  client.on("connected", (e) => print({ connected: e.connectionId }));
  client.on("group-message", (e) => print({ group: e.message.group, dataType: e.message.dataType, data: e.message.data, sequenceId: e.message.sequenceId }));
  await client.start();
  // Runs until the test ends the process.
} else if (mode === "send") {
  const [connectionString, hub, group, json] = args;
  // The embedded endpoint is plain http on loopback.
  const service = new WebPubSubServiceClient(connectionString, hub, { allowInsecureConnection: true });
  await service.group(group).sendToAll(JSON.parse(json));
  print({ sent: true });
} else {
  console.error("usage: node sdk.mjs listen <url> | send <connection string> <hub> <group> <json>");
  process.exit(2);
}

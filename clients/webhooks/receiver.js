// npm install standardwebhooks
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const webhook = new Webhook(process.env.ECUAPASS_WEBHOOK_SECRET); // whsec_… registerWebhook returned
const seen = new Set(); // at least once: a delivery may come again, with the same webhook-id

function handle(event) {
  console.log(JSON.stringify(event)); // your own work here: store it, update a case, …
}

createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    let event;
    try {
      // The raw body as it came, not parsed JSON; checks the signature and the timestamp.
      event = webhook.verify(Buffer.concat(chunks), request.headers);
    } catch {
      response.writeHead(401).end();
      return;
    }
    const id = request.headers["webhook-id"];
    if (!seen.has(id)) {
      seen.add(id);
      handle(event.data.operatorEvents);
    }
    response.writeHead(204).end();
  });
}).listen(Number(process.env.PORT ?? 8080));

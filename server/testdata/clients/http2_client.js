// A client the way the ksqldb-client npm package speaks to ksqlDB: HTTP/2
// with prior knowledge, POST /query-stream, each DATA frame parsed as one
// JSON document. Prints {"meta":..., "rows":[...]} for the Go test.
// Usage: node http2_client.js http://host:port
const http2 = require('http2');

const session = http2.connect(process.argv[2]);
session.on('error', (e) => { console.error(e); process.exit(1); });
const req = session.request({ ':method': 'POST', ':path': '/query-stream', 'content-type': 'application/json' });
req.end(JSON.stringify({
  sql: 'SELECT k, v FROM nb EMIT CHANGES LIMIT 2;',
  properties: { 'auto.offset.reset': 'earliest' },
}));
let meta = null;
const rows = [];
let pending = '';
req.on('data', (chunk) => {
  pending += chunk.toString();
  // Every line is a complete JSON document; the server flushes one per frame.
  let nl;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl).trim();
    pending = pending.slice(nl + 1);
    if (!line) continue;
    const doc = JSON.parse(line);
    if (meta === null) meta = doc; else rows.push(doc);
  }
});
req.on('end', () => {
  console.log(JSON.stringify({ meta, rows }));
  session.close();
});

// Drives Eddy with the real ksqldb-client npm package (HTTP/2), as a
// Node application would. Prints a JSON summary for the Go test.
// Usage: node ksqldb_client.js <port>
const KsqldbClient = require('ksqldb-client');

(async () => {
  const client = new KsqldbClient({ host: 'http://127.0.0.1', port: Number(process.argv[2]) });
  await client.connect();
  const created = await client.executeStatement(
    "CREATE STREAM npmc (k VARCHAR KEY, v INT) WITH (KAFKA_TOPIC='npmc', VALUE_FORMAT='JSON', PARTITIONS=1);");
  const inserted = [];
  for (const [k, v] of [['x', 1], ['y', 2]]) {
    const { status, error } = await client.insertInto('NPMC', { K: k, V: v });
    inserted.push(error ? String(error.message || JSON.stringify(error)) : status);
  }
  const streams = await client.listStreams();
  const rows = [];
  const push = await client.streamQuery("SELECT k, v FROM npmc EMIT CHANGES LIMIT 2;", (data) => {
    rows.push(...(data.rows || []));
  }, { properties: { 'auto.offset.reset': 'earliest' } });
  await client.disconnect();
  console.log(JSON.stringify({
    createdError: created.error || null,
    inserted,
    streams: JSON.stringify(streams.data || streams),
    pushStatus: push.status,
    pushError: push.error || null,
    rows,
  }));
})().catch((e) => { console.error(e); process.exit(1); });

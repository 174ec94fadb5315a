"""A client the way ksql-python (Jupyter notebooks) speaks to ksqlDB:
urllib, JSON bodies, no Accept header, /ksql for statements and a
streamed /query read line by line. Prints one JSON document per result
for the Go test to check. Usage: notebook_client.py http://host:port
"""
import json
import sys
import urllib.request

base = sys.argv[1]


def post(path, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    return urllib.request.urlopen(req, timeout=60)


with post("/ksql", {"ksql": "CREATE STREAM nb (k VARCHAR KEY, v INT) WITH (KAFKA_TOPIC='nb', VALUE_FORMAT='JSON', PARTITIONS=1);"}) as r:
    entities = json.loads(r.read())
    print(json.dumps({"created": entities[0]["commandStatus"]["message"]}))

with post("/ksql", {"ksql": "INSERT INTO nb (k, v) VALUES ('a', 1); INSERT INTO nb (k, v) VALUES ('b', 2);"}) as r:
    r.read()

# The classic /query response: a JSON array written one element per line,
# rows streaming as they come; ksql-python strips the brackets and commas.
rows = []
with post("/query", {"ksql": "SELECT k, v FROM nb EMIT CHANGES LIMIT 2;",
                     "streamsProperties": {"auto.offset.reset": "earliest"}}) as r:
    for raw in r:
        line = raw.decode().strip().strip("[],")
        if not line:
            continue  # keep-alive newline
        doc = json.loads(line)
        if "row" in doc:
            rows.append(doc["row"]["columns"])
        elif "finalMessage" in doc:
            print(json.dumps({"rows": rows, "final": doc["finalMessage"]}))

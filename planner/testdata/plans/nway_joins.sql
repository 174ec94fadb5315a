CREATE STREAM S1 (ID INT KEY, A INT, B INT) WITH (kafka_topic='s1', value_format='JSON');
CREATE STREAM S2 (A INT KEY, V INT) WITH (kafka_topic='s2', value_format='JSON');
CREATE STREAM S3 (B INT KEY, V INT) WITH (kafka_topic='s3', value_format='JSON');
CREATE STREAM S4 (A INT KEY, V INT) WITH (kafka_topic='s4', value_format='JSON');
-- Joined on A, re-keyed by B, then on A again: re-keyed by A again.
CREATE STREAM O1 AS SELECT S1.A, S1.B, S2.V AS V2, S3.V AS V3, S4.V AS V4 FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.A = S2.A JOIN S3 WITHIN 1 MINUTE ON S1.B = S3.B JOIN S4 WITHIN 1 MINUTE ON S1.A = S4.A;
-- Joined on B, then on S1.A = S2.A (re-keyed), then on S3.B: re-keyed by B again.
CREATE STREAM O2 AS SELECT S3.B, S1.A, S2.V AS V2, S4.V AS V4 FROM S1 JOIN S3 WITHIN 1 MINUTE ON S1.B = S3.B JOIN S2 WITHIN 1 MINUTE ON S1.A = S2.A JOIN S4 WITHIN 1 MINUTE ON S3.B = S4.A;
-- Cascading criteria: S2.A equals the key of the first join, so nothing is re-keyed for S4.
CREATE STREAM O3 AS SELECT S1.A, S2.V AS V2, S4.V AS V4 FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.A = S2.A JOIN S4 WITHIN 1 MINUTE ON S2.A = S4.A;
CREATE STREAM c4 (id INT KEY, user_id INT, page STRING) WITH (kafka_topic='c4', value_format='JSON', partitions=4);
CREATE TABLE u2 (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='u2', value_format='JSON', partitions=2);
CREATE STREAM s5 (id INT KEY, v INT) WITH (kafka_topic='s5', value_format='JSON', partitions=5);
CREATE STREAM nway_parts AS SELECT * FROM c4 JOIN u2 ON c4.user_id = u2.id JOIN s5 WITHIN 1 HOUR ON u2.id = s5.v;

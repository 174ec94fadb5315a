CREATE STREAM pageviews (viewtime BIGINT, user_id VARCHAR, page_id VARCHAR)
  WITH (VALUE_FORMAT='JSON', KAFKA_TOPIC='my-pageviews-topic');
CREATE STREAM payments (id INT KEY, amount DECIMAL(10, 2), fraudProbability DOUBLE)
  WITH (KAFKA_TOPIC='payments', VALUE_FORMAT='JSON');
CREATE STREAM fraudulent_payments AS SELECT * FROM payments WHERE fraudProbability > 0.8;
SELECT page_id, user_id FROM pageviews EMIT CHANGES LIMIT 10;
CREATE STREAM by_user AS SELECT user_id, UCASE(page_id) AS page, viewtime + 1 FROM pageviews PARTITION BY user_id;
CREATE STREAM doubled AS SELECT id, amount * 2 AS twice, amount + 1, ROWTIME AS rt FROM payments;
CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR, age INT) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');
CREATE TABLE adults AS SELECT id, name FROM users WHERE age >= 18;
INSERT INTO fraudulent_payments SELECT id, amount, fraudProbability FROM payments WHERE amount > 100;
SELECT id, name FROM users WHERE id = 'a';
SELECT * FROM users EMIT CHANGES;
CREATE STREAM nested (k INT KEY, v STRUCT<a INT, b STRUCT<c STRING>>) WITH (KAFKA_TOPIC='nested', VALUE_FORMAT='JSON');
CREATE STREAM flat AS SELECT k, v->*, v->b->* FROM nested;
SELECT k->* FROM nested EMIT CHANGES;
CREATE STREAM wide (k INT KEY, a BIGINT, d DECIMAL(6, 2)) WITH (KAFKA_TOPIC='wide', VALUE_FORMAT='JSON');
INSERT INTO wide SELECT k, v->a AS a, v->a AS d FROM nested;
INSERT INTO wide SELECT k, 'x' AS a, v->a AS d FROM nested;
CREATE STREAM clash (k INT KEY, b INT, a STRUCT<b INT>, c STRUCT<b INT>) WITH (KAFKA_TOPIC='clash', VALUE_FORMAT='JSON');
CREATE STREAM clash_out AS SELECT k, b, a->b, c->b FROM clash;

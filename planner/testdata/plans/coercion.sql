CREATE STREAM s (id INT KEY, a INT, b BIGINT, txt STRING, flag BOOLEAN, d DOUBLE) WITH (kafka_topic='s', value_format='JSON');

-- A cast to the operand's type stays an expression, named KSQL_COL_n.
CREATE STREAM same_cast AS SELECT id, CAST(a AS INT), CAST(txt AS STRING) AS t FROM s;
CREATE STREAM bad_cast AS SELECT id, CAST(txt AS ARRAY<INT>) FROM s;

-- Implicit conversions print as their operand.
CREATE STREAM widened AS SELECT id, b + a, d * 2 FROM s WHERE a > 1.5;
CREATE STREAM not_bool AS SELECT id FROM s WHERE d + 1.5;
CREATE STREAM bad_arith AS SELECT id FROM s WHERE true + 1.5;

-- Signs fold into numeric literals before range checks.
CREATE STREAM min_bigint AS SELECT id, -9223372036854775808 AS m FROM s;
CREATE STREAM below_bigint AS SELECT id, -9223372036854775809 AS m FROM s;
CREATE STREAM big_double AS SELECT id, -1.7976931348623160E308 AS m FROM s;

-- NULL.
CREATE STREAM null_cmp AS SELECT id, NULL <> NULL FROM s;
CREATE STREAM null_where AS SELECT id FROM s WHERE a = NULL;
CREATE STREAM null_col AS SELECT id, NULL AS n FROM s;
CREATE STREAM null_case AS SELECT id, CASE WHEN a < 2 THEN NULL ELSE NULL END AS c FROM s;
CREATE STREAM dup_struct AS SELECT id, STRUCT(f := a, f := b) AS st FROM s;

-- Constructors coerce their elements as ksqlDB does.
CREATE STREAM arr AS SELECT id, ARRAY[NULL, 10, '2e1', a, b] AS l FROM s;
CREATE STREAM arr_bad AS SELECT id, ARRAY[1, 'not a number'] AS l FROM s;
CREATE STREAM arr_empty AS SELECT id, ARRAY[] AS l FROM s;
CREATE STREAM arr_null AS SELECT id, ARRAY[NULL] AS l FROM s;
CREATE STREAM arr_struct AS SELECT id, ARRAY[NULL, STRUCT(x := a, y := b), STRUCT(y := a, z := b)] AS l FROM s;
CREATE STREAM map_mixed AS SELECT id, MAP(txt := flag, 'k' := 'true', 10 := 'no') AS m FROM s;
CREATE STREAM map_bad AS SELECT id, MAP(txt := a, 'k' := 'hello') AS m FROM s;
CREATE STREAM map_null_values AS SELECT id, MAP(txt := NULL) AS m FROM s;
CREATE STREAM map_null_keys AS SELECT id, MAP(NULL := a) AS m FROM s;
CREATE STREAM map_empty AS SELECT id, MAP() AS m FROM s;

-- String literals compared with ROWTIME are timestamps.
CREATE STREAM recent AS SELECT id, a FROM s WHERE ROWTIME >= '2018' AND ROWTIME < '2019-01-01T00:00:00+0445';
CREATE STREAM between_ts AS SELECT id, a FROM s WHERE ROWTIME BETWEEN '2018-01-01T00:00:00.001' AND '2018-01-01T00:00:01';

-- Key formats of a CSAS.
CREATE STREAM keyless (a INT, b INT) WITH (kafka_topic='k', value_format='JSON');
CREATE STREAM keyless_kf WITH (key_format='DELIMITED') AS SELECT * FROM keyless;
CREATE STREAM keyed_none WITH (key_format='NONE') AS SELECT * FROM keyless PARTITION BY a;
CREATE STREAM both WITH (format='JSON', key_format='KAFKA') AS SELECT * FROM s;

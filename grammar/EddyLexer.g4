// Lexer for Eddy's SQL dialect (ksqlDB compatible).
//
// Keywords are case-insensitive. Token types are assigned in order of
// definition: reserved keywords come first, then the non-reserved keywords
// from ADD to WITH (the parser's nonReserved rule must list exactly those),
// so that code can tell a non-reserved keyword by its token type range.
lexer grammar EddyLexer;

options {
    caseInsensitive = true;
}

// ---- reserved keywords: never identifiers -------------------------------
SELECT   : 'SELECT';
FROM     : 'FROM';
WHERE    : 'WHERE';
AS       : 'AS';
AND      : 'AND';
OR       : 'OR';
NOT      : 'NOT';
NULL     : 'NULL';
TRUE     : 'TRUE';
FALSE    : 'FALSE';
JOIN     : 'JOIN';
INNER    : 'INNER';
LEFT     : 'LEFT';
RIGHT    : 'RIGHT';
FULL     : 'FULL';
OUTER    : 'OUTER';
ON       : 'ON';
WITHIN   : 'WITHIN';
GROUP    : 'GROUP';
BY       : 'BY';
HAVING   : 'HAVING';
CASE     : 'CASE';
WHEN     : 'WHEN';
THEN     : 'THEN';
ELSE     : 'ELSE';
END      : 'END';
CAST     : 'CAST';
IS       : 'IS';
IN       : 'IN';
LIKE     : 'LIKE';
BETWEEN  : 'BETWEEN';
DISTINCT : 'DISTINCT';

// ---- non-reserved keywords: also usable as identifiers ------------------
ADD          : 'ADD';
ADVANCE      : 'ADVANCE';
ALL          : 'ALL';
ALTER        : 'ALTER';
ARRAY        : 'ARRAY';
ASSERT       : 'ASSERT';
BEGINNING    : 'BEGINNING';
CHANGES      : 'CHANGES';
COLUMN       : 'COLUMN';
CONNECTORS   : 'CONNECTORS';
CREATE       : 'CREATE';
DAY          : 'DAY';
DAYS         : 'DAYS';
DEFINE       : 'DEFINE';
DELETE       : 'DELETE';
DESCRIBE     : 'DESCRIBE';
DROP         : 'DROP';
EMIT         : 'EMIT';
ESCAPE       : 'ESCAPE';
EXISTS       : 'EXISTS';
EXPLAIN      : 'EXPLAIN';
EXTENDED     : 'EXTENDED';
FINAL        : 'FINAL';
FUNCTION     : 'FUNCTION';
FUNCTIONS    : 'FUNCTIONS';
GRACE        : 'GRACE';
HEADER       : 'HEADER';
HEADERS      : 'HEADERS';
HOPPING      : 'HOPPING';
HOUR         : 'HOUR';
HOURS        : 'HOURS';
ID           : 'ID';
IF           : 'IF';
INSERT       : 'INSERT';
INTERVAL     : 'INTERVAL';
INTO         : 'INTO';
KEY          : 'KEY';
LIMIT        : 'LIMIT';
LIST         : 'LIST';
MAP          : 'MAP';
MILLISECOND  : 'MILLISECOND';
MILLISECONDS : 'MILLISECONDS';
MINUTE       : 'MINUTE';
MINUTES      : 'MINUTES';
PARTITION    : 'PARTITION';
PAUSE        : 'PAUSE';
PERIOD       : 'PERIOD';
PRIMARY      : 'PRIMARY';
PRINT        : 'PRINT';
PROPERTIES   : 'PROPERTIES';
QUERIES      : 'QUERIES';
REPLACE      : 'REPLACE';
RESUME       : 'RESUME';
RETENTION    : 'RETENTION';
RUN          : 'RUN';
SCHEMA       : 'SCHEMA';
SCRIPT       : 'SCRIPT';
SECOND       : 'SECOND';
SECONDS      : 'SECONDS';
SESSION      : 'SESSION';
SET          : 'SET';
SHOW         : 'SHOW';
SIZE         : 'SIZE';
SOURCE       : 'SOURCE';
STREAM       : 'STREAM';
STREAMS      : 'STREAMS';
STRUCT       : 'STRUCT';
SUBJECT      : 'SUBJECT';
TABLE        : 'TABLE';
TABLES       : 'TABLES';
TERMINATE    : 'TERMINATE';
TIMEOUT      : 'TIMEOUT';
TOPIC        : 'TOPIC';
TOPICS       : 'TOPICS';
TUMBLING     : 'TUMBLING';
TYPE         : 'TYPE';
TYPES        : 'TYPES';
UNDEFINE     : 'UNDEFINE';
UNSET        : 'UNSET';
VALUES       : 'VALUES';
VARIABLES    : 'VARIABLES';
WINDOW       : 'WINDOW';
WITH         : 'WITH';

// ---- operators and punctuation ------------------------------------------
EQ        : '=';
NEQ       : '<>' | '!=';
LTE       : '<=';
GTE       : '>=';
LT        : '<';
GT        : '>';
PLUS      : '+';
MINUS     : '-';
ASTERISK  : '*';
SLASH     : '/';
PERCENT   : '%';
CONCAT    : '||';
ASSIGN    : ':=';
ARROW     : '->';
LAMBDA    : '=>';
LPAREN    : '(';
RPAREN    : ')';
LBRACKET  : '[';
RBRACKET  : ']';
COMMA     : ',';
DOT       : '.';
SEMICOLON : ';';

// ---- literals and identifiers -------------------------------------------
STRING : '\'' ( ~'\'' | '\'\'' )* '\'';

INTEGER_VALUE : DIGIT+;

DECIMAL_VALUE
    : DIGIT+ '.' DIGIT*
    | '.' DIGIT+
    ;

FLOATING_POINT_VALUE
    : DIGIT+ ('.' DIGIT*)? EXPONENT
    | '.' DIGIT+ EXPONENT
    ;

IDENTIFIER : (LETTER | '_') (LETTER | DIGIT | '_' | '@')*;

// An identifier may not start with a digit; lexing it as one token gives a
// clear syntax error instead of a confusing split.
DIGIT_IDENTIFIER : DIGIT (LETTER | DIGIT | '_' | '@')+;

BACKQUOTED_IDENTIFIER : '`' ( ~'`' | '``' )* '`';

QUOTED_IDENTIFIER : '"' ( ~'"' | '""' )* '"';

fragment EXPONENT : 'E' [+-]? DIGIT+;
fragment DIGIT    : [0-9];
fragment LETTER   : [\p{L}];

// ---- trivia ---------------------------------------------------------------
LINE_COMMENT  : '--' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN);
WS            : [ \t\r\n\f]+ -> channel(HIDDEN);

// Anything else becomes a token the parser rejects with a syntax error.
UNRECOGNIZED : .;

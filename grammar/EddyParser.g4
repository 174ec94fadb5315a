// Parser for Eddy's SQL dialect (ksqlDB compatible). The Go package
// github.com/eddysql/eddy/parser turns the parse tree into parser/ast nodes;
// semantic checks (type names, time units, DECIMAL parameters) live there.
parser grammar EddyParser;

options {
    tokenVocab = EddyLexer;
}

// ---- entry points ---------------------------------------------------------

statements
    : SEMICOLON* (statement (SEMICOLON+ statement)* SEMICOLON*)? EOF
    ;

singleExpression
    : expression EOF
    ;

singleType
    : type EOF
    ;

// ---- statements -----------------------------------------------------------

statement
    : query                                                             # queryStatement
    | CREATE (OR REPLACE)? SOURCE? sourceKind (IF NOT EXISTS)? identifier
        (LPAREN tableElement (COMMA tableElement)* RPAREN)?
        (WITH properties)?                                              # createSource
    | CREATE (OR REPLACE)? sourceKind (IF NOT EXISTS)? identifier
        (WITH properties)? AS query                                     # createAsSelect
    | INSERT INTO identifier (WITH properties)? query                   # insertInto
    | INSERT INTO identifier
        (LPAREN identifier (COMMA identifier)* RPAREN)?
        VALUES LPAREN (expression (COMMA expression)*)? RPAREN          # insertValues
    | DROP sourceKind (IF EXISTS)? identifier (DELETE TOPIC)?           # dropSource
    | DROP TYPE (IF EXISTS)? identifier                                 # dropType
    | CREATE TYPE (IF NOT EXISTS)? identifier AS type                   # createType
    | ALTER sourceKind identifier alterOption (COMMA alterOption)*      # alterSource
    | TERMINATE (ALL | identifier)                                      # terminate
    | (PAUSE | RESUME) (ALL | identifier)                               # pauseResume
    | (SHOW | LIST) ALL TOPICS EXTENDED?                                # showAllTopics
    | (SHOW | LIST) showTarget EXTENDED?                                # show
    | DESCRIBE (STREAMS | TABLES) EXTENDED?                             # describeAll
    | DESCRIBE FUNCTION identifier                                      # describeFunction
    | DESCRIBE EXTENDED? identifier EXTENDED?                           # describe
    | EXPLAIN statement                                                 # explainStatement
    | EXPLAIN identifier                                                # explainQuery
    | PRINT (STRING | identifier) printClause*                          # print
    | SET STRING EQ STRING                                              # setProperty
    | UNSET STRING                                                      # unsetProperty
    | DEFINE identifier EQ STRING                                       # define
    | UNDEFINE identifier                                               # undefine
    | RUN SCRIPT STRING                                                 # runScript
    | ASSERT (NOT EXISTS)? TOPIC (identifier | STRING) (WITH properties)?
        (TIMEOUT duration)?                                             # assertTopic
    | ASSERT (NOT EXISTS)? SCHEMA (SUBJECT (identifier | STRING))?
        (ID INTEGER_VALUE)? (TIMEOUT duration)?                         # assertSchema
    ;

sourceKind
    : STREAM
    | TABLE
    ;

showTarget
    : STREAMS
    | TABLES
    | QUERIES
    | TOPICS
    | PROPERTIES
    | FUNCTIONS
    | TYPES
    | VARIABLES
    | CONNECTORS
    ;

printClause
    : FROM BEGINNING
    | INTERVAL INTEGER_VALUE
    | LIMIT INTEGER_VALUE
    ;

alterOption
    : ADD COLUMN? identifier type
    ;

tableElement
    : identifier type columnConstraint?
    ;

columnConstraint
    : KEY
    | PRIMARY KEY
    | HEADERS
    | HEADER LPAREN STRING RPAREN
    ;

properties
    : LPAREN property (COMMA property)* RPAREN
    ;

property
    : (identifier | STRING) EQ propertyValue
    ;

propertyValue
    : STRING
    | TRUE
    | FALSE
    | (MINUS | PLUS)? number
    ;

// ---- queries --------------------------------------------------------------

query
    : SELECT selectItem (COMMA selectItem)*
      FROM relation
      (WINDOW windowExpression)?
      (WHERE where = expression)?
      (GROUP BY groupBy = expressionList)?
      (PARTITION BY partitionBy = expressionList)?
      (HAVING having = expression)?
      (EMIT (CHANGES | FINAL))?
      (LIMIT limitValue)?
    ;

// A signed number, so that a negative or fractional LIMIT gets a clear
// error rather than a syntax error (as in ksqlDB).
limitValue
    : MINUS? number
    ;

selectItem
    : ASTERISK                                  # selectAll
    | identifier DOT ASTERISK                   # selectAllOf
    | primaryExpression ARROW ASTERISK          # selectStructAll
    | expression (AS? identifier)?              # selectSingle
    ;

// GROUP BY / PARTITION BY: a plain list, or a parenthesised list of two or
// more (a single parenthesised expression is just a parenthesised expression).
// GROUP BY and PARTITION BY take value expressions, as in ksqlDB: a bare
// boolean (PARTITION BY a AND b) is a syntax error, a parenthesized one is not.
expressionList
    : LPAREN RPAREN
    | LPAREN valueExpression (COMMA valueExpression)+ RPAREN
    | valueExpression (COMMA valueExpression)*
    ;

relation
    : left = relation joinType JOIN right = aliasedRelation joinWindow? ON expression  # joinRelation
    | aliasedRelation                                                                 # singleRelation
    ;

joinType
    : INNER?
    | LEFT OUTER?
    | RIGHT OUTER?
    | FULL OUTER?
    ;

joinWindow
    : WITHIN (duration | LPAREN before = duration COMMA after = duration RPAREN)
      (GRACE PERIOD grace = duration)?
    ;

aliasedRelation
    : identifier (AS? alias = identifier)?
    ;

// ksqlDB accepts (and ignores) a window name before the window kind.
windowExpression
    : windowName? windowSpec
    ;

windowName
    : identifier
    ;

windowSpec
    : TUMBLING LPAREN SIZE size = duration windowOption* RPAREN                  # tumblingWindow
    | HOPPING LPAREN SIZE size = duration COMMA ADVANCE BY advance = duration
        windowOption* RPAREN                                                     # hoppingWindow
    | SESSION LPAREN size = duration windowOption* RPAREN                        # sessionWindow
    ;

windowOption
    : COMMA RETENTION duration      # retentionOption
    | COMMA GRACE PERIOD duration   # graceOption
    ;

// The unit is checked by the AST builder so that a bad unit gets a clear
// message rather than a syntax error.
duration
    : INTEGER_VALUE identifier
    ;

// ---- expressions (lowest precedence first) --------------------------------

expression
    : booleanExpression
    ;

booleanExpression
    : valueExpression predicate?                                # predicated
    | NOT booleanExpression                                     # logicalNot
    | left = booleanExpression AND right = booleanExpression    # logicalAnd
    | left = booleanExpression OR right = booleanExpression     # logicalOr
    ;

predicate
    : comparisonOperator right = valueExpression                            # comparison
    | IS NOT? NULL                                                          # nullPredicate
    | IS NOT? DISTINCT FROM right = valueExpression                         # distinctFrom
    | NOT? BETWEEN lower = valueExpression AND upper = valueExpression      # between
    | NOT? IN LPAREN expression (COMMA expression)* RPAREN                  # inList
    | NOT? LIKE pattern = valueExpression (ESCAPE escape = STRING)?         # like
    ;

comparisonOperator
    : EQ
    | NEQ
    | LT
    | LTE
    | GT
    | GTE
    ;

valueExpression
    : primaryExpression                                                         # valueDefault
    | op = (MINUS | PLUS) valueExpression                                       # arithmeticUnary
    | left = valueExpression op = (ASTERISK | SLASH | PERCENT) right = valueExpression  # arithmeticBinary
    | left = valueExpression op = (PLUS | MINUS) right = valueExpression        # arithmeticBinary
    | left = valueExpression CONCAT right = valueExpression                     # concatenation
    ;

primaryExpression
    : literal                                                                   # literalExpression
    | CASE operand = expression whenClause+ (ELSE elseExpr = expression)? END   # simpleCase
    | CASE whenClause+ (ELSE elseExpr = expression)? END                        # searchedCase
    | CAST LPAREN expression AS type RPAREN                                     # cast
    | ARRAY LBRACKET (expression (COMMA expression)*)? RBRACKET                 # arrayConstructor
    | MAP LPAREN (mapEntry (COMMA mapEntry)*)? RPAREN                           # mapConstructor
    | STRUCT LPAREN (structEntry (COMMA structEntry)*)? RPAREN                  # structConstructor
    | identifier LPAREN ASTERISK RPAREN                                         # functionCall
    | identifier LPAREN (functionArgument (COMMA functionArgument)*)? RPAREN    # functionCall
    | identifier                                                                # columnReference
    | qualifier = identifier DOT name = identifier                              # columnReference
    | LPAREN expression RPAREN                                                  # parenthesized
    | base = primaryExpression LBRACKET index = valueExpression RBRACKET        # subscript
    | base = primaryExpression ARROW field = identifier                         # dereference
    ;

whenClause
    : WHEN condition = expression THEN result = expression
    ;

mapEntry
    : key = expression ASSIGN value = expression
    ;

structEntry
    : identifier ASSIGN expression
    ;

// A bare time unit (TIMESTAMPADD(SECONDS, 5, ts)) wins over a column of the
// same name; quote the column to refer to it. Lambdas are function
// arguments only, as in ksqlDB: (a, b) elsewhere is a syntax error.
functionArgument
    : timeUnit                                                                  # timeUnitArgument
    | identifier LAMBDA expression                                              # lambda
    | LPAREN identifier (COMMA identifier)* RPAREN LAMBDA expression            # lambda
    | expression                                                                # expressionArgument
    ;

timeUnit
    : MILLISECOND | MILLISECONDS
    | SECOND | SECONDS
    | MINUTE | MINUTES
    | HOUR | HOURS
    | DAY | DAYS
    ;

literal
    : NULL                   # nullLiteral
    | (TRUE | FALSE)         # booleanLiteral
    | number                 # numericLiteral
    | STRING                 # stringLiteral
    ;

number
    : INTEGER_VALUE
    | DECIMAL_VALUE
    | FLOATING_POINT_VALUE
    ;

// ---- types ----------------------------------------------------------------

type
    : ARRAY LT type GT                                          # arrayType
    | MAP LT key = type COMMA value = type GT                   # mapType
    | STRUCT LT (structField (COMMA structField)*)? GT          # structType
    | STRUCT NEQ                                                # structType
    | identifier (LPAREN typeParameter (COMMA typeParameter)* RPAREN)?  # namedType
    ;

// VARCHAR(STRING) is a legacy spelling of STRING.
typeParameter
    : INTEGER_VALUE
    | identifier
    ;

structField
    : identifier type
    ;

// ---- identifiers ----------------------------------------------------------

identifier
    : IDENTIFIER                # unquotedIdentifier
    | BACKQUOTED_IDENTIFIER     # backQuotedIdentifier
    | QUOTED_IDENTIFIER         # quotedIdentifier
    | DIGIT_IDENTIFIER          # digitIdentifier
    | nonReserved               # unquotedIdentifier
    ;

// Every keyword from ADD to WITH in EddyLexer.g4, in the same order.
nonReserved
    : ADD | ADVANCE | ALL | ALTER | ARRAY | ASSERT | BEGINNING | CHANGES | COLUMN
    | CONNECTORS | CREATE | DAY | DAYS | DEFINE | DELETE | DESCRIBE | DROP
    | EMIT | ESCAPE | EXISTS | EXPLAIN | EXTENDED | FINAL | FUNCTION
    | FUNCTIONS | GRACE | HEADER | HEADERS | HOPPING | HOUR | HOURS | ID | IF
    | INSERT | INTERVAL | INTO | KEY | LIMIT | LIST | MAP | MILLISECOND
    | MILLISECONDS | MINUTE | MINUTES | PARTITION | PAUSE | PERIOD | PRIMARY
    | PRINT | PROPERTIES | QUERIES | REPLACE | RESUME | RETENTION | RUN
    | SCHEMA | SCRIPT | SECOND | SECONDS | SESSION | SET | SHOW | SIZE | SOURCE
    | STREAM | STREAMS | STRUCT | SUBJECT | TABLE | TABLES | TERMINATE | TIMEOUT | TOPIC | TOPICS
    | TUMBLING | TYPE | TYPES | UNDEFINE | UNSET | VALUES | VARIABLES
    | WINDOW | WITH
    ;

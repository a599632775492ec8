-- sharding-orm: the write-log tables of writes that span shards (PostgreSQL; idempotent).
-- Every shard needs them when saga types are registered, @ReferenceTable entities are configured,
-- or two-phase commit is used (ShardedPersistence.atomically). Schema actions CREATE and UPDATE
-- create them; if you manage the schema yourself (VALIDATE, NONE), run this on every shard.
-- The same statements: ShardedPersistence.writeLogDdl().
CREATE TABLE IF NOT EXISTS shorm_saga (
    id uuid PRIMARY KEY,
    type varchar(200) NOT NULL,
    arguments text NOT NULL,
    state varchar(32) NOT NULL,
    step integer NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_owner varchar(64),
    lease_until timestamptz,
    failure text,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS shorm_saga_unfinished ON shorm_saga (next_attempt_at)
    WHERE state IN ('RUNNING', 'COMPENSATING');
CREATE INDEX IF NOT EXISTS shorm_saga_attention ON shorm_saga (created_at)
    WHERE state = 'FAILED_NEEDS_ATTENTION';
CREATE TABLE IF NOT EXISTS shorm_saga_step (
    saga_id uuid NOT NULL,
    step integer NOT NULL,
    kind varchar(16) NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (saga_id, step));
CREATE TABLE IF NOT EXISTS shorm_2pc_decision (
    txid varchar(32) PRIMARY KEY,
    decision varchar(8) NOT NULL,
    participants text NOT NULL,
    decided_at timestamptz NOT NULL DEFAULT now());

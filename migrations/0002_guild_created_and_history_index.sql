-- Guild settings keep when they were first made; rows from before this migration
-- take their last update time as their creation time.
ALTER TABLE guild_settings ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
UPDATE guild_settings SET created_at = updated_at WHERE created_at = 0;

-- /history, progress charts and forget-me all look sessions up by user.
CREATE INDEX sessions_by_user ON sessions (user_id, started_at);

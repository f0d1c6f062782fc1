//! Persistence with sqlx (SQLite by default, PostgreSQL optionally).

namespace Automation.Orders.Persistence;

/// The database engines the store runs on: a SQLite file by default, PostgreSQL for several nodes.
public enum DatabaseProvider { Sqlite, PostgreSql }

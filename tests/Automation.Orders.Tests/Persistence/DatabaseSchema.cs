using Automation.Orders.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.Persistence;

/// The tables, columns and indexes a database really has, read from its catalogue.
internal sealed record DatabaseSchema(IReadOnlyDictionary<string, HashSet<string>> Columns, HashSet<string> Indexes)
{
    public static async Task<DatabaseSchema> ReadAsync(StoreDb db)
    {
        var (columnsSql, indexesSql) = db.Provider == DatabaseProvider.Sqlite
            ? ("SELECT m.name || '.' || c.name AS Value FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table'",
               "SELECT name AS Value FROM sqlite_master WHERE type = 'index'")
            : ("SELECT table_name || '.' || column_name AS \"Value\" FROM information_schema.columns WHERE table_schema = 'public'",
               "SELECT indexname AS \"Value\" FROM pg_indexes WHERE schemaname = 'public'");
        var columns = (await db.Database.SqlQueryRaw<string>(columnsSql).ToListAsync())
            .Select(c => c.Split('.', 2))
            .GroupBy(c => c[0], c => c[1])
            .ToDictionary(g => g.Key, g => g.ToHashSet());
        var indexes = (await db.Database.SqlQueryRaw<string>(indexesSql).ToListAsync()).ToHashSet();
        return new DatabaseSchema(columns, indexes);
    }
}
